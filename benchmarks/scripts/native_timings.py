#!/usr/bin/env python3
"""Whole-process timings of the native (Native AOT) programs next to the portable (JIT) ones (docs/performance.md,
"Native AOT").

Each round runs every variant once, in turns, so that changes in the machine's load hit all alike:
1. `dstack validate FILE` of examples/hello.dstack.yml: start to exit.
2. `dstack run -y` of a task that runs `echo hi` (local backend, a private DSTACK_HOME per variant): start to exit.
3. The language server: spawn to the `initialize` result (the LSP "cold start"), then shutdown and exit; next to
   yaml-language-server when --yaml-ls names its bin/yaml-language-server.
4. The floor: `true`.
Peak RSS: for a command, GNU time's %M (maximum resident set) of the process itself, from untimed runs after the timed
ones (wait4 in this script would count the Python process it was forked from); for a server, VmHWM of
/proc/PID/status at the `initialize` result. The controller that `run` starts is another process, not counted.

Usage: python3 benchmarks/scripts/native_timings.py [--runs N] [--yaml-ls PATH]
Builds nothing: run `dotnet build -c Release Dstack.sln` and `bash scripts/publish-native.sh` first.
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
JIT_CLI = os.path.join(ROOT, "src", "Dstack.Cli", "bin", "Release", "net10.0", "dstack")
JIT_SERVER = os.path.join(ROOT, "src", "Dstack.LanguageServer", "bin", "Release", "net10.0", "dstack-language-server")
NATIVE = os.path.join(ROOT, "artifacts", "native", "linux-x64")
NATIVE_CLI = os.path.join(NATIVE, "dstack", "dstack")
NATIVE_SERVER = os.path.join(NATIVE, "dstack-language-server", "dstack-language-server")
HELLO = os.path.join(ROOT, "examples", "hello.dstack.yml")


def run(command, env=None, cwd=None):
    """Runs a command to its end; returns (seconds, peak RSS in MB from a second, untimed run under GNU time)."""
    start = time.perf_counter()
    completed = subprocess.run(command, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        raise SystemExit(f"{command} exited with {completed.returncode}")
    return elapsed, lambda: peak_rss(command, env, cwd)


def peak_rss(command, env, cwd):
    """The command's maximum resident set in MB, as GNU time reports it."""
    completed = subprocess.run(["/usr/bin/time", "-f", "%M", *command], env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return int(completed.stderr.strip().splitlines()[-1]) / 1024


def frame(message):
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read_message(stream):
    length = 0
    while True:
        line = stream.readline()
        if not line:
            raise SystemExit("the server closed its output")
        if line in (b"\r\n", b"\n"):
            break
        name, _, value = line.decode().partition(":")
        if name.lower() == "content-length":
            length = int(value)
    return json.loads(stream.read(length))


def cold_start(command):
    """Spawn to the `initialize` result; then shutdown and exit. Returns (seconds, VmHWM in MB at the result)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    process.stdin.write(frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                               "params": {"processId": os.getpid(), "rootUri": None, "capabilities": {}}}))
    process.stdin.flush()
    while True:
        message = read_message(process.stdout)
        if message.get("id") == 1:
            break
    elapsed = time.perf_counter() - start
    with open(f"/proc/{process.pid}/status") as status:
        hwm = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024
    process.stdin.write(frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown"}))
    process.stdin.write(frame({"jsonrpc": "2.0", "method": "exit"}))
    process.stdin.close()
    deadline = time.monotonic() + 10
    while True:
        if process.poll() is not None:
            return elapsed, lambda: hwm
        if time.monotonic() > deadline:
            process.kill()
            raise SystemExit(f"{command} did not exit after shutdown")
        time.sleep(0.005)


def summary(samples):
    ordered = sorted(samples)
    return statistics.median(ordered) * 1000, ordered[max(0, int(len(ordered) * 0.9) - 1)] * 1000, ordered[0] * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warm-up", type=int, default=3)
    parser.add_argument("--yaml-ls", help="yaml-language-server's bin/yaml-language-server (run with node)")
    args = parser.parse_args()
    for path, how in ((JIT_CLI, "dotnet build -c Release Dstack.sln"), (JIT_SERVER, "dotnet build -c Release Dstack.sln"),
                      (NATIVE_CLI, "bash scripts/publish-native.sh"), (NATIVE_SERVER, "bash scripts/publish-native.sh")):
        if not os.path.exists(path):
            raise SystemExit(f"{path} is missing: run {how}")

    work = tempfile.mkdtemp(prefix="dstack-native-bench-")
    try:
        project = os.path.join(work, "project")
        os.makedirs(project)
        with open(os.path.join(project, ".dstack.yml"), "w") as f:
            f.write("type: task\ncommands:\n  - echo hi\n")
        homes = {name: dict(os.environ, DSTACK_HOME=os.path.join(work, name)) for name in ("native", "jit")}
        cases = [
            ("validate one file", "native", lambda: run([NATIVE_CLI, "validate", HELLO])),
            ("validate one file", "JIT", lambda: run([JIT_CLI, "validate", HELLO])),
            ("run -y of echo hi", "native", lambda: run([NATIVE_CLI, "run", "-y"], homes["native"], project)),
            ("run -y of echo hi", "JIT", lambda: run([JIT_CLI, "run", "-y"], homes["jit"], project)),
            ("LSP cold start", "native", lambda: cold_start([NATIVE_SERVER, "--stdio"])),
            ("LSP cold start", "JIT", lambda: cold_start([JIT_SERVER, "--stdio"])),
            ("floor: true", "-", lambda: run(["true"])),
        ]
        if args.yaml_ls:
            cases.append(("LSP cold start", "yaml-language-server", lambda: cold_start(["node", args.yaml_ls, "--stdio"])))

        samples = {(name, variant): [] for name, variant, _ in cases}
        peaks = {(name, variant): 0.0 for name, variant, _ in cases}
        for round_ in range(args.warm_up + args.runs):
            for name, variant, measure in cases:
                seconds, _ = measure()
                if round_ >= args.warm_up:
                    samples[(name, variant)].append(seconds)
        for _ in range(3):
            for name, variant, measure in cases:
                peaks[(name, variant)] = max(peaks[(name, variant)], measure()[1]())

        load = os.getloadavg()
        print(f"{args.runs} rounds after {args.warm_up} warm-up; load average at the end {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}")
        print("| Measure | Build | Median | p90 | Min | Peak RSS |")
        print("|---|---|---:|---:|---:|---:|")
        for name, variant, _ in cases:
            median, p90, low = summary(samples[(name, variant)])
            print(f"| {name} | {variant} | {median:.1f} ms | {p90:.1f} ms | {low:.1f} ms | {peaks[(name, variant)]:.1f} MB |")
        for label, path in (("native CLI", NATIVE_CLI), ("native language server", NATIVE_SERVER)):
            print(f"{label}: {os.path.getsize(path) / 1024 / 1024:.1f} MB ({path})")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
