#!/usr/bin/env python3
"""Whole-process timings of `dstack run` with `image:` against plain `docker run --rm` (docs/performance.md,
"Running a task in a container").

Both run `echo hi` in the same local image (it is already on the engine: no pull), in turns, after warm-ups:
  dstack: `dstack run -y` of a task with `image: IMAGE` and `commands: [echo hi]` (plan, working copy, controller,
          container create/start/wait/logs/remove through the Engine API, final status);
  docker: `docker run --rm --init --network host IMAGE sh -c 'echo hi'` (the docker command, same flags).
Target: dstack within +300 ms of docker (median).

Usage: python3 benchmarks/scripts/container_timings.py [--runs N] [--image IMAGE]
Needs a Docker engine with IMAGE (BUILD_PYTHON=0 ../shared/recipes/container-engine/setup-engine.sh makes
localhost/busybox:1.35) and the built CLI (`dotnet build -c Release src/Dstack.Cli`).
"""
import argparse
import os
import shutil
import subprocess
import tempfile
import time

# The same program and summary as the run without an image (run_timings.py, beside this script).
from run_timings import DSTACK, summary


def timed(command, env, cwd):
    start = time.perf_counter()
    completed = subprocess.run(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    elapsed = time.perf_counter() - start
    if completed.returncode != 0 or b"hi" not in completed.stdout:
        raise SystemExit(f"{command} exited with {completed.returncode}: {completed.stdout[-300:]!r}")
    return elapsed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--image", default="localhost/busybox:1.35")
    args = parser.parse_args()
    if not os.path.exists(DSTACK):
        raise SystemExit(f"{DSTACK} is missing: run dotnet build -c Release src/Dstack.Cli")
    if shutil.which("docker") is None:
        raise SystemExit("the docker command is missing (the comparison runs it)")

    work = tempfile.mkdtemp(prefix="dstack-container-bench-")
    try:
        home = os.path.join(work, "home")
        project = os.path.join(work, "project")
        os.makedirs(project)
        env = dict(os.environ, DSTACK_HOME=home)
        with open(os.path.join(project, ".dstack.yml"), "w") as f:
            f.write(f"type: task\nimage: {args.image}\ncommands:\n  - echo hi\n")
        dstack_cmd = [DSTACK, "run", "-y"]
        docker_cmd = ["docker", "run", "--rm", "--init", "--network", "host", args.image, "sh", "-c", "echo hi"]

        for _ in range(3):  # warm-up: disk cache, first database, the engine's image layers
            timed(dstack_cmd, env, project)
            timed(docker_cmd, env, project)
        dstack, docker = [], []
        for _ in range(args.runs):  # in turns, so a busy moment hits both
            dstack.append(timed(dstack_cmd, env, project))
            docker.append(timed(docker_cmd, env, project))
        d50, d90, dmin = summary(dstack)
        k50, k90, kmin = summary(docker)
        print(f"dstack run -y (image): median {d50:.0f} ms (p90 {d90:.0f}, min {dmin:.0f})")
        print(f"docker run --rm:       median {k50:.0f} ms (p90 {k90:.0f}, min {kmin:.0f})")
        print(f"difference of medians: {d50 - k50:+.0f} ms (target: at most +300 ms)")
        left = subprocess.run(["docker", "ps", "-aq", "--filter", "name=^/dstack-"], capture_output=True, text=True).stdout.split()
        print(f"containers left named dstack-*: {len(left)}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
