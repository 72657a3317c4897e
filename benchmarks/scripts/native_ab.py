#!/usr/bin/env python3
"""Two native publishes side by side, in turns within every round (docs/performance.md, "Issue 20, third session"):
`dstack validate` of examples/hello.dstack.yml, `dstack run -y` of an `echo hi` task (a private DSTACK_HOME per
build), and each build's language server from spawn to the `initialize` result.

    python3 benchmarks/scripts/native_ab.py BEFORE_DIR AFTER_DIR [--runs 20]

Each DIR is a copy of artifacts/native/linux-x64 (with dstack/ and dstack-language-server/ in it), e.g. one saved with
`cp -a artifacts/native /tmp/before` before a change and the fresh publish after it. Builds nothing; bounded loops.
"""
import argparse, json, os, statistics, subprocess, sys, tempfile, time

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def frame(message):
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def lsp_start(server):
    start = time.perf_counter()
    process = subprocess.Popen([server, "--stdio"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    process.stdin.write(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": os.getpid(), "rootUri": "file:///tmp", "capabilities": {}}}))
    process.stdin.flush()
    for _ in range(100):  # at most 100 frames before the answer
        header = process.stdout.readline()
        if not header:
            raise SystemExit(f"{server} ended before answering initialize")
        if header.startswith(b"Content-Length"):
            length = int(header.split(b":")[1])
            process.stdout.readline()
            if b'"id":1' in process.stdout.read(length):
                break
    took = time.perf_counter() - start
    process.stdin.write(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}) + frame({"jsonrpc": "2.0", "method": "exit"}))
    process.stdin.flush()
    process.wait(timeout=30)
    return took


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="dstack-native-ab-")
    project = os.path.join(work, "project")
    os.makedirs(project)
    with open(os.path.join(project, ".dstack.yml"), "w") as f:
        f.write("type: task\ncommands:\n  - echo hi\n")
    builds = {"before": os.path.abspath(args.before), "after": os.path.abspath(args.after)}
    hello = os.path.join(ROOT, "examples", "hello.dstack.yml")
    samples = {}
    for round_ in range(args.runs + 3):
        order = list(builds) if round_ % 2 == 0 else list(reversed(builds))
        for name in order:
            cli = os.path.join(builds[name], "dstack", "dstack")
            env = dict(os.environ, DSTACK_HOME=os.path.join(work, name))
            for case, command in (("validate one file", [cli, "validate", hello]), ("run -y of echo hi", [cli, "run", "-y"])):
                start = time.perf_counter()
                subprocess.run(command, env=env, cwd=project, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=120)
                took = time.perf_counter() - start
                if round_ >= 3:
                    samples.setdefault((case, name), []).append(took * 1000)
            took = lsp_start(os.path.join(builds[name], "dstack-language-server", "dstack-language-server"))
            if round_ >= 3:
                samples.setdefault(("LSP cold start", name), []).append(took * 1000)
    print(f"{args.runs} rounds after 3 warm-up, in turns; load average at the end {os.getloadavg()[0]:.1f}")
    print("| Measure | Build | Median | p90 | Min |\n|---|---|---:|---:|---:|")
    for (case, name), values in samples.items():
        values.sort()
        print(f"| {case} | {name} | {statistics.median(values):.1f} ms | {values[max(0, int(len(values) * 0.9) - 1)]:.1f} ms | {values[0]:.1f} ms |")


if __name__ == "__main__":
    sys.exit(main())
