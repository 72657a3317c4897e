#!/usr/bin/env python3
"""Records a language server's answers to lsp-bench's completion probes and first hover probe, for the null server.

    python3 benchmarks/scripts/lsp_record_answers.py SERVER OUT_DIR [PROBES_JSON]

PROBES_JSON defaults to $LSP_BENCH/fixtures/probes.json (LSP_BENCH: ../shared/lsp-bench beside the repository).

Writes OUT_DIR/completion-CASE.json (one per completion case of probes.json) and OUT_DIR/hover.json, each the "result"
of the answer, exactly as the server wrote it. The client declares what lsp-bench's client declares (bench.mjs
CLIENT_CAPABILITIES), so the lists have the same form as in a bench run. See benchmarks/lsp/null-server/null_server.c.
"""
import json, os, subprocess, sys, pathlib

CAPABILITIES = {
    "general": {"positionEncodings": ["utf-16"]}, "window": {"workDoneProgress": True},
    "workspace": {"configuration": True, "workspaceFolders": True, "didChangeConfiguration": {"dynamicRegistration": False}},
    "textDocument": {"synchronization": {"dynamicRegistration": False}, "diagnostic": {"dynamicRegistration": False},
                     "publishDiagnostics": {"relatedInformation": True, "versionSupport": True}, "formatting": {"dynamicRegistration": False},
                     "completion": {"contextSupport": True, "completionItem": {"snippetSupport": True, "documentationFormat": ["markdown", "plaintext"]}},
                     "hover": {"contentFormat": ["markdown", "plaintext"]}, "documentSymbol": {"hierarchicalDocumentSymbolSupport": True}, "codeLens": {}},
}


def main():
    server, out = sys.argv[1], pathlib.Path(sys.argv[2])
    bench = pathlib.Path(os.environ.get("LSP_BENCH") or pathlib.Path(__file__).resolve().parents[2].parent / "shared/lsp-bench")
    probes_path = pathlib.Path(sys.argv[3]) if len(sys.argv) > 3 else bench / "fixtures/probes.json"
    probes = json.loads(probes_path.read_text())
    cursor, suffix = probes.get("cursor", "‸"), probes.get("suffix", ".dstack.yml")
    out.mkdir(parents=True, exist_ok=True)
    process = subprocess.Popen([server, "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    next_id = [0]

    def send(message):
        data = json.dumps(message).encode()
        process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        process.stdin.flush()

    def read():
        length = None
        while True:
            line = process.stdout.readline()
            if not line:
                raise SystemExit("lsp_record_answers: the server ended before answering")
            if line in (b"\r\n", b"\n"):
                break
            if line.lower().startswith(b"content-length:"):
                length = int(line.split(b":")[1])
        return process.stdout.read(length)

    def request(method, params):
        next_id[0] += 1
        send({"jsonrpc": "2.0", "id": next_id[0], "method": method, "params": params})
        while True:
            raw = read()
            message = json.loads(raw)
            if "method" in message and "id" in message:  # the server asks (configuration, progress): answer null
                send({"jsonrpc": "2.0", "id": message["id"], "result": None})
            elif message.get("id") == next_id[0]:
                return message

    def place(lines):
        for number, line in enumerate(lines):
            if cursor in line:
                return number, line.index(cursor), [l.replace(cursor, "") for l in lines]
        raise SystemExit(f"lsp_record_answers: no cursor {cursor} in {lines}")

    request("initialize", {"processId": os.getpid(), "rootUri": None, "capabilities": CAPABILITIES})
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    fixtures = probes_path.parent
    for case, lines in probes.get("completion", {}).items():
        line, character, text = place(lines)
        uri = (fixtures / f"__probe-{case}{suffix}").as_uri()
        send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": "\n".join(text)}}})
        answer = request("textDocument/completion", {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}, "context": {"triggerKind": 1}})
        (out / f"completion-{case}.json").write_text(json.dumps(answer.get("result"), separators=(",", ":")))
    line, character, text = place(probes.get("hover", []))
    uri = (fixtures / f"__probe-hover{suffix}").as_uri()
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": "\n".join(text)}}})
    answer = request("textDocument/hover", {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}})
    (out / "hover.json").write_text(json.dumps(answer.get("result"), separators=(",", ":")))
    request("shutdown", None)
    send({"jsonrpc": "2.0", "method": "exit"})
    process.wait(timeout=10)
    print(f"lsp_record_answers: {len(probes.get('completion', {}))} completion answers and a hover in {out}")


if __name__ == "__main__":
    main()
