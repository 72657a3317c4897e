#!/usr/bin/env python3
"""Whole-process timings of `dstack run` on the local backend (docs/performance.md, "Running a task").

1. `dstack run -y` of a task that runs `echo hi`, next to `bash -c 'echo hi'`: the time a user waits for the
   whole command, from start to exit (target: within 300 ms of bash).
2. Job output streamed through to the console: a task printing SIZE_MB of text lines, the CLI's stdout going to
   a pipe that this script drains (target: at least 50 MB/s).

Usage: python3 benchmarks/scripts/run_timings.py [--runs N] [--size-mb M]
Builds nothing: run `dotnet build -c Release src/Dstack.Cli` first.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DSTACK = os.path.join(ROOT, "src", "Dstack.Cli", "bin", "Release", "net10.0", "dstack")


def timed(command, env, cwd, stdout=subprocess.DEVNULL):
    start = time.perf_counter()
    completed = subprocess.run(command, env=env, cwd=cwd, stdout=stdout, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        raise SystemExit(f"{command} exited with {completed.returncode}")
    return elapsed


def summary(samples):
    samples = sorted(samples)
    return statistics.median(samples) * 1000, samples[int(len(samples) * 0.9) - 1] * 1000, samples[0] * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--size-mb", type=int, default=200)
    args = parser.parse_args()
    if not os.path.exists(DSTACK):
        raise SystemExit(f"{DSTACK} is missing: run dotnet build -c Release src/Dstack.Cli")

    work = tempfile.mkdtemp(prefix="dstack-bench-")
    try:
        home = os.path.join(work, "home")
        project = os.path.join(work, "project")
        os.makedirs(project)
        env = dict(os.environ, DSTACK_HOME=home)
        with open(os.path.join(project, ".dstack.yml"), "w") as f:
            f.write("type: task\ncommands:\n  - echo hi\n")

        for _ in range(3):  # warm-up: disk cache, first database
            timed([DSTACK, "run", "-y"], env, project)
            timed(["bash", "-c", "echo hi"], env, project)
        dstack = [timed([DSTACK, "run", "-y"], env, project) for _ in range(args.runs)]
        bash = [timed(["bash", "-c", "echo hi"], env, project) for _ in range(args.runs)]
        d50, d90, dmin = summary(dstack)
        b50, b90, bmin = summary(bash)
        print(f"echo hi, {args.runs} runs each (ms): dstack run -y median {d50:.1f} p90 {d90:.1f} min {dmin:.1f}; "
              f"bash -c median {b50:.1f} p90 {b90:.1f} min {bmin:.1f}; difference of medians {d50 - b50:.1f} ms")

        line = "0123456789 abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ 0123456789"  # 75 bytes + newline
        lines = args.size_mb * 1024 * 1024 // (len(line) + 1)
        command = f"yes '{line}' | head -n {lines}"
        with open(os.path.join(project, ".dstack.yml"), "w") as f:
            f.write(f"type: task\ncommands:\n  - {command}\n")
        total = lines * (len(line) + 1) / 1024 / 1024
        direct = timed(["bash", "-c", command], env, project, stdout=subprocess.PIPE)
        streamed = timed([DSTACK, "run", "-y"], env, project, stdout=subprocess.PIPE)
        print(f"output streaming, {total:.0f} MB of lines: through dstack run {streamed:.2f} s = {total / streamed:.0f} MB/s; "
              f"the same command in bash {direct:.2f} s = {total / direct:.0f} MB/s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
