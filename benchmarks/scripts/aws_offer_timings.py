#!/usr/bin/env python3
"""Whole-process timing of `dstack offer -b aws` cold (docs/performance.md, "AWS offers from the shipped catalog").

A fresh `dstack` process each time, in a temporary folder with a private DSTACK_HOME whose config.yml holds only
`- type: aws` with `creds: {type: default}`; no credentials in the environment (AWS_* variables removed, HOME a
temporary folder without ~/.aws), and AWS_ENDPOINT_URL_EC2 at a closed loopback port, so an offer that asked EC2
would fail or wait. The offers come from the shipped catalog. Target: under 300 ms from process start to exit.

Next to it, for scale: `dstack --version` (the runtime's and the command line's start, no command run) and
`dstack validate` of the same file (start, configuration load, no offers).

Usage: python3 benchmarks/scripts/aws_offer_timings.py [--runs N] [--gpu SPEC] [--cli PATH [--cli PATH2 ...]]
With several --cli (e.g. copies of the build before and after a change), their runs take turns in every round, so a
change in the machine's load hits all alike. Builds nothing: run `dotnet build -c Release src/Dstack.Cli` first.
"""
import argparse
import os
import shutil
import socket
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DSTACK = os.path.join(ROOT, "src", "Dstack.Cli", "bin", "Release", "net10.0", "dstack")


def closed_port():
    """A loopback port nothing listens on: bound, then released (connections to it are refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(command, env, cwd):
    start = time.perf_counter()
    completed = subprocess.run(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0:
        raise SystemExit(f"{command} exited with {completed.returncode}:\n{completed.stdout.decode()}\n{completed.stderr.decode()}")
    return elapsed, completed.stdout.decode()


def summary(samples):
    samples = sorted(samples)
    return statistics.median(samples) * 1000, samples[0] * 1000, samples[-1] * 1000


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--warm-up", type=int, default=3)
    parser.add_argument("--gpu", default="A100")
    parser.add_argument("--cli", action="append", help="the dstack program to time (repeatable); default: the Release build")
    args = parser.parse_args()
    clis = [os.path.abspath(cli) for cli in args.cli or [DSTACK]]
    for cli in clis:
        if not os.path.exists(cli):
            raise SystemExit(f"{cli} is missing: run dotnet build -c Release src/Dstack.Cli")

    work = tempfile.mkdtemp(prefix="dstack-offer-bench-")
    try:
        home = os.path.join(work, "dstack-home")
        user_home = os.path.join(work, "user-home")
        os.makedirs(home)
        os.makedirs(user_home)
        with open(os.path.join(home, "config.yml"), "w") as f:
            f.write("backends:\n  - type: aws\n    creds:\n      type: default\n")
        with open(os.path.join(work, ".dstack.yml"), "w") as f:
            f.write("type: task\ncommands: [python train.py]\n")
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(DSTACK_HOME=home, HOME=user_home, AWS_ENDPOINT_URL_EC2=f"http://127.0.0.1:{closed_port()}", NO_COLOR="1")

        kinds = {}
        for cli in clis:
            label = "" if len(clis) == 1 else f"[{cli}] "
            kinds[label + "offer"] = [cli, "offer", "-b", "aws", "--gpu", args.gpu]
            kinds[label + "version"] = [cli, "--version"]
            kinds[label + "validate"] = [cli, "validate", ".dstack.yml"]
            _, sample = timed([cli, "offer", "-b", "aws", "--gpu", args.gpu], env, work)
            if "aws" not in sample:
                raise SystemExit(f"{cli} offer listed no aws offer:\n" + sample)
        for _ in range(args.warm_up):  # disk cache
            for command in kinds.values():
                timed(command, env, work)
        samples = {name: [] for name in kinds}
        for _ in range(args.runs):  # the kinds take turns, so a change in the machine's load hits all alike
            for name, command in kinds.items():
                samples[name].append(timed(command, env, work)[0])

        load = os.getloadavg()
        print(f"{args.runs} runs each, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
        for name, command in kinds.items():
            median, low, high = summary(samples[name])
            label = name[: name.index("]") + 2] if name.startswith("[") else ""
            print(f"{label}{' '.join(command[1:]):40} median {median:7.1f} ms  min {low:7.1f} ms  max {high:7.1f} ms")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
