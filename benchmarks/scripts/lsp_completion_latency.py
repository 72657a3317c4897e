#!/usr/bin/env python3
"""The language server's own answer time for one completion, without a Node client's pauses in it
(docs/performance.md, "Issue 20, third session"): a Python client opens lsp-bench's top-level-key probe (38 items, the
largest answer) and sends N completion requests one after the other, timing each from write to the whole answer read.

    python3 benchmarks/scripts/lsp_completion_latency.py SERVER [N]     (default 3000; SERVER: a dstack-language-server)
"""
import json, os, subprocess, sys, time


def frame(message):
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def main():
    server = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
    process = subprocess.Popen([server, "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def answer(request_id):
        prefix = b'{"id":%d,' % request_id
        for _ in range(1000):  # notifications may come first; bounded
            header = process.stdout.readline()
            if not header:
                raise SystemExit("the server ended")
            if header.startswith(b"Content-Length"):
                length = int(header.split(b":")[1])
                process.stdout.readline()
                if process.stdout.read(length).startswith(prefix):
                    return
        raise SystemExit(f"no answer to request {request_id}")

    capabilities = {"textDocument": {"completion": {"contextSupport": True, "completionItem": {"snippetSupport": True, "documentationFormat": ["markdown", "plaintext"]}}}}
    process.stdin.write(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": os.getpid(), "capabilities": capabilities}}))
    process.stdin.flush()
    answer(1)
    uri = "file:///tmp/__probe-top-level-key.dstack.yml"
    process.stdin.write(frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
    process.stdin.write(frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": "type: task\nname: probe\n\ncommands:\n  - python train.py\n"}}}))
    time.sleep(1)  # the warm-up after initialized
    times = []
    for i in range(count):
        start = time.perf_counter()
        process.stdin.write(frame({"jsonrpc": "2.0", "id": 10 + i, "method": "textDocument/completion", "params": {"textDocument": {"uri": uri}, "position": {"line": 2, "character": 0}}}))
        process.stdin.flush()
        answer(10 + i)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    print(f"{count} completions: p50 {times[count // 2]:.3f} ms, p95 {times[int(count * 0.95)]:.3f} ms, p99 {times[int(count * 0.99)]:.3f} ms, max {times[-1]:.2f} ms")
    process.stdin.write(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}) + frame({"jsonrpc": "2.0", "method": "exit"}))
    process.stdin.flush()
    process.wait(timeout=30)


if __name__ == "__main__":
    main()
