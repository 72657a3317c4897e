#!/usr/bin/env python3
"""Time to check files nested far past the 100-level limit (docs/performance.md, "Deep nesting").

For each shape (`[[[...]]]`, `{a: {a: ...}}`, `- - - ...`, block mappings indented one more space per level) and
each size, writes a task whose `env` is that value and measures:
1. `dstack validate FILE` (whole process, exit code 1: the nesting limit is an error);
2. the language server (`dstack-language-server --stdio`): from `didOpen` to the published diagnostics, then a
   `documentSymbol` request (the outline walks the tree).

Usage: python3 benchmarks/scripts/deep_nesting.py [--levels 10000,40000,100000] [--dstack PATH] [--server PATH]
Builds nothing: run `dotnet build -c Release src/Dstack.Cli src/Dstack.LanguageServer` first.
"""
import argparse
import json
import os
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DSTACK = os.path.join(ROOT, "src", "Dstack.Cli", "bin", "Release", "net10.0", "dstack")
SERVER = os.path.join(ROOT, "src", "Dstack.LanguageServer", "bin", "Release", "net10.0", "dstack-language-server")
HEAD = "type: task\ncommands:\n  - echo\nenv: "


def nested(shape, levels):
    if shape == "flow-sequence":
        return HEAD + "[" * levels + "]" * levels + "\n"
    if shape == "flow-mapping":
        return HEAD + "{a: " * levels + "1" + "}" * levels + "\n"
    if shape == "block-sequence":
        return HEAD + "\n  " + "- " * levels + "x\n"
    # Block mappings: n levels take about n * n / 2 bytes, so `levels` is read as a size in bytes here.
    lines, level = [HEAD], 1
    while sum(map(len, lines)) < levels * 2:
        lines.append("\n" + " " * level + "a:")
        level += 1
    return "".join(lines) + " 1\n"


def validate(path, dstack):
    start = time.perf_counter()
    completed = subprocess.run([dstack, "validate", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if completed.returncode != 1:
        raise SystemExit(f"dstack validate {path} exited with {completed.returncode}, not 1")
    return elapsed


class Server:
    def __init__(self, command):
        self.process = subprocess.Popen([command, "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.next_id = 0

    def send(self, method, params, request=True):
        message = {"jsonrpc": "2.0", "method": method, "params": params}
        if request:
            self.next_id += 1
            message["id"] = self.next_id
        body = json.dumps(message).encode()
        self.process.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.process.stdin.flush()
        return message.get("id")

    def receive(self, match):
        while True:
            length = 0
            while (line := self.process.stdout.readline().strip()):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            message = json.loads(self.process.stdout.read(length))
            if match(message):
                return message

    def request(self, method, params):
        sent = self.send(method, params)
        return self.receive(lambda m: m.get("id") == sent and "method" not in m)

    def close(self):
        self.request("shutdown", None)
        self.send("exit", None, request=False)
        self.process.stdin.close()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def language_server(uri, text, server):
    start = time.perf_counter()
    server.send("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}, request=False)
    server.receive(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri)
    opened = time.perf_counter() - start
    reply = server.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    if "error" in reply:
        raise SystemExit(f"documentSymbol failed: {reply['error']['message']}")
    server.send("textDocument/didClose", {"textDocument": {"uri": uri}}, request=False)
    return opened, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--levels", default="10000,40000,100000")
    parser.add_argument("--dstack", default=DSTACK)
    parser.add_argument("--server", default=SERVER)
    args = parser.parse_args()
    server = Server(args.server)
    server.request("initialize", {"processId": None, "capabilities": {}, "rootUri": None})
    server.send("initialized", {}, request=False)
    print("| shape | levels | bytes | dstack validate | server: diagnostics | server: + outline |")
    print("|---|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for shape in ("flow-sequence", "flow-mapping", "block-sequence", "block-mapping"):
            for levels in map(int, args.levels.split(",")):
                text = nested(shape, levels)
                path = os.path.join(folder, f"{shape}-{levels}.dstack.yml")
                with open(path, "w") as file:
                    file.write(text)
                checked = validate(path, args.dstack)
                opened, outlined = language_server("file://" + path, text, server)
                shown = text.count("\n") - 4 if shape == "block-mapping" else levels
                print(f"| {shape} | {shown:,} | {len(text):,} | {checked:.2f} s | {opened:.2f} s | {outlined:.2f} s |", flush=True)
    server.close()


if __name__ == "__main__":
    main()
