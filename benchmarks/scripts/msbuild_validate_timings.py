#!/usr/bin/env python3
"""Whole-process timings of the MSBuild target DstackValidate (docs/performance.md, "MSBuild: DstackValidate").

A temporary console project imports src/Dstack.Tasks/build/Dstack.Tasks.props and .targets from this checkout, with
DstackTasksAssembly and DstackCliPath pointed at the builds given by --tasks and --cli, next to FILES generated,
varied, valid .dstack.yml files (checked once with `dotnet CLI validate`; the script stops if any of them reports an
error or a warning, since a warning keeps the target from writing its stamp).

1. Incremental build: `dotnet build --no-restore` of the unchanged project (nothing to compile, the stamp up to date)
   in three variants, interleaved run by run: the targets not imported; imported with DstackValidateOnBuild=false;
   imported with DstackValidateOnBuild=true (target: the last adds under 100 ms to the first, difference of medians).
   Then, in separate runs with -clp:PerformanceSummary, MSBuild's own times: evaluation, build, the Dstack targets.
2. First validation: `dotnet build --no-restore -t:DstackValidate` right after deleting the stamp, so the task runs
   the CLI on every file (target: under 1.5 s). Reported: the whole command; MSBuild's own time for the target and
   the task (-clp:PerformanceSummary); the same command with the stamp in place (target skipped: the process, the
   SDK's evaluation, MSBuild's start); the CLI alone, `dotnet CLI validate --format msbuild` on FILES and on one
   file; and, for scale, a fresh clone: obj deleted, the same command without --no-restore (restore included).

Every MSBuild command gets -nodeReuse:false (and MSBUILDDISABLENODEREUSE=1 is set), so no worker node outlives a
command and every command pays MSBuild's whole start; -p:UseSharedCompilation=false, so no compiler server is left
behind by the first build. `dotnet restore` runs once; every timed command but the fresh-clone one has --no-restore.
Wall times are from process start to exit (time.perf_counter around subprocess.run); CPU times are user + system of
the whole process tree (getrusage of the waited-for children).

Usage: python3 benchmarks/scripts/msbuild_validate_timings.py [--runs N] [--warm-up N] [--files N] [--cli PATH] [--tasks PATH]
Builds the default --cli and --tasks (Release) when they are missing.
"""
import argparse
import math
import os
import re
import resource
import shutil
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BUILD_FOLDER = os.path.join(ROOT, "src", "Dstack.Tasks", "build")
DEFAULT_CLI = os.path.join(ROOT, "src", "Dstack.Cli", "bin", "Release", "net10.0", "dstack.dll")
DEFAULT_TASKS = os.path.join(ROOT, "src", "Dstack.Tasks", "bin", "Release", "net8.0", "Dstack.Tasks.dll")
COMMAND_TIMEOUT_S = 300  # one command; a hung build stops the script instead of waiting forever

# The three variants of measure 1; each is a global property on the same project.
VARIANTS = [
    ("targets not imported", ["-p:DstackImport=false"]),
    ("imported, DstackValidateOnBuild=false", ["-p:DstackValidateOnBuild=false"]),
    ("imported, DstackValidateOnBuild=true", ["-p:DstackValidateOnBuild=true"]),
]

PYTHONS = ["3.9", "3.10", "3.11", "3.12", "3.13"]
GPUS = ["A100:80GB:2", "H100:8", "A10G", "L4:24GB", "A100,H100:80GB:2", "24GB..", "RTX4090", "V100:16GB:4",
        "T4", "H100:80GB:1..2", "nvidia:2", "L40S:48GB"]
MODELS = ["llama-3-8b", "mistral-7b", "qwen2-7b", "phi-3-mini", "gemma-2-9b", "bert-base", "resnet50", "whisper-small"]


def configuration(index):
    """One realistic, valid configuration; the index picks the kind and varies every field."""
    model = MODELS[index % len(MODELS)]
    python = PYTHONS[index % len(PYTHONS)]
    gpu = GPUS[index % len(GPUS)]
    kind = index % 5  # 0-2 tasks, 3 a service, 4 a dev environment
    lines = [f"# {model}: configuration {index} of the benchmark project"]
    if kind <= 2:
        lines += ["type: task", f"name: train-{model}-{index}", f'python: "{python}"']
        if index % 2 == 0:
            lines += ["env:", "  - HF_TOKEN", f"  - MODEL_ID={model}", f"  - EPOCHS={1 + index % 4}", "  - WANDB_PROJECT=bench"]
        else:
            lines += ["env:", "  HF_TOKEN:", f"  MODEL_ID: {model}", f"  LEARNING_RATE: \"{index + 1}e-5\""]
        lines += ["commands:", "  - pip install -r requirements.txt",
                  f"  - python train.py --model $MODEL_ID --seed {index} ${{{{ run.args }}}}"]
        if kind == 1:
            lines += ["  - python evaluate.py --checkpoint checkpoints/last", "ports:", f"  - \"{6006 + index}:6006\""]
        if kind == 2:
            lines += [f"nodes: {1 + index % 3}", "retry:", "  on_events: [no-capacity, interruption]", "  duration: 1h",
                      f"max_duration: {2 + index % 10}h", "spot_policy: auto"]
        lines += ["resources:", f"  gpu: {gpu}", f"  cpu: {4 * (1 + index % 4)}..", f"  memory: {16 * (1 + index % 3)}GB..",
                  "  disk: 100GB.."]
        if index % 4 == 0:
            lines += ["  shm_size: 16GB", "volumes:", f"  - /mnt/cache/{index}:/root/.cache"]
    elif kind == 3:
        lines += ["type: service", f"name: serve-{model}-{index}", f'python: "{python}"',
                  "env:", f"  - MODEL_ID={model}", "  - HF_TOKEN",
                  "commands:", "  - pip install vllm", f"  - vllm serve $MODEL_ID --port {8000 + index}",
                  f"port: {8000 + index}", "auth: false", "resources:", f"  gpu: {gpu}", "  memory: 32GB..",
                  "max_price: 4.5"]
    else:
        lines += ["type: dev-environment", f"name: dev-{model}-{index}", f'python: "{python}"', "ide: vscode",
                  "init:", "  - pip install --upgrade pip", "  - pip install -r requirements-dev.txt",
                  "ports:", f"  - {8888 + index}", "inactivity_duration: 2h",
                  "resources:", f"  gpu: {gpu}", "  disk: 50GB.."]
    return "\n".join(lines) + "\n"


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)


def project_xml(tasks, cli):
    condition = "'$(DstackImport)' != 'false'"
    return f"""<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <OutputType>Exe</OutputType>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
    <DstackTasksAssembly>{tasks}</DstackTasksAssembly>
    <DstackCliPath>{cli}</DstackCliPath>
  </PropertyGroup>
  <Import Project="{os.path.join(BUILD_FOLDER, "Dstack.Tasks.props")}" Condition="{condition}" />
  <Import Project="{os.path.join(BUILD_FOLDER, "Dstack.Tasks.targets")}" Condition="{condition}" />
</Project>
"""


def clean_environment():
    env = dict(os.environ)
    # Settings of an enclosing build must not leak into the project under test.
    for name in ["MSBuildExtensionsPath", "MSBuildSDKsPath", "MSBUILD_EXE_PATH", "MSBuildLoadMicrosoftTargetsReadOnly"]:
        env.pop(name, None)
    env.update(DOTNET_CLI_TELEMETRY_OPTOUT="1", DOTNET_NOLOGO="1", DOTNET_SKIP_FIRST_TIME_EXPERIENCE="1",
               MSBUILDDISABLENODEREUSE="1", DOTNET_CLI_USE_MSBUILD_SERVER="0")
    return env


def run(command, env, cwd):
    """Runs a command to its end; returns (wall seconds, CPU seconds of it and its waited-for children, output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        completed = subprocess.run(command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, text=True, timeout=COMMAND_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        raise SystemExit(f"{' '.join(command)} ran past {COMMAND_TIMEOUT_S} s")
    elapsed = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if completed.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited with {completed.returncode}:\n{completed.stdout[-4000:]}")
    return elapsed, cpu, completed.stdout


def summary(samples):
    """(median, p90, min) in milliseconds; p90 by nearest rank (the 9th of 10, the 18th of 20)."""
    samples = sorted(samples)
    return (statistics.median(samples) * 1000, samples[math.ceil(len(samples) * 0.9) - 1] * 1000, samples[0] * 1000)


def fmt(samples):
    median, p90, low = summary(samples)
    return f"median {median:7.1f}  p90 {p90:7.1f}  min {low:7.1f}"


def row(label, samples, cpu=None):
    print(f"   {label:52s} {fmt(samples)}" + (f"   CPU median {statistics.median(cpu) * 1000:7.1f}" if cpu else ""))


def performance_summary(output):
    """{(section, name): ms} from -clp:PerformanceSummary: 'Target', 'Task' and 'Project' sections."""
    times = {}
    section = None
    for line in output.splitlines():
        header = re.match(r"\s*(Project Evaluation|Project|Target|Task) Performance Summary:", line)
        if header:
            section = header.group(1)
            continue
        entry = re.match(r"\s*(\d+) ms\s+(\S+)\s+(\d+) calls", line)
        if section and entry:
            times[(section, os.path.basename(entry.group(2)))] = int(entry.group(1)) / 1000
    return times


def ensure_built(path, default, project):
    if os.path.exists(path):
        return
    if path != default:
        raise SystemExit(f"{path} is missing")
    print(f"{path} is missing: dotnet build -c Release {project}", flush=True)
    subprocess.run(["dotnet", "build", "-c", "Release", "-nologo", "-v:q", os.path.join(ROOT, project)], check=True,
                   timeout=COMMAND_TIMEOUT_S)
    if not os.path.exists(path):
        raise SystemExit(f"{path} is still missing after building {project}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="timed runs of each command (default 10)")
    parser.add_argument("--warm-up", type=int, default=2, help="untimed runs of each command first (default 2)")
    parser.add_argument("--files", type=int, default=50, help="configuration files in the project (default 50)")
    parser.add_argument("--cli", default=DEFAULT_CLI, help="dstack.dll, or a dstack executable such as the native one (default: the Release build of src/Dstack.Cli)")
    parser.add_argument("--tasks", default=DEFAULT_TASKS,
                        help="Dstack.Tasks.dll (default: the Release build of src/Dstack.Tasks)")
    args = parser.parse_args()
    if args.runs < 1 or args.warm_up < 0 or args.files < 1:
        parser.error("--runs and --files must be at least 1, --warm-up at least 0")
    cli, tasks = os.path.abspath(args.cli), os.path.abspath(args.tasks)
    # dstack.dll runs with dotnet; an executable (the native CLI of scripts/publish-native.sh) runs as it is.
    cli_command = ["dotnet", cli] if cli.endswith(".dll") else [cli]
    ensure_built(cli, DEFAULT_CLI, "src/Dstack.Cli")
    ensure_built(tasks, DEFAULT_TASKS, "src/Dstack.Tasks")

    env = clean_environment()
    work = tempfile.mkdtemp(prefix="dstack-msbuild-bench-")
    try:
        # Cut the project off from any Directory.Build.* above the temp folder.
        write(os.path.join(work, "Directory.Build.props"), "<Project />\n")
        write(os.path.join(work, "Directory.Build.targets"), "<Project />\n")
        write(os.path.join(work, "app.csproj"), project_xml(tasks, cli))
        write(os.path.join(work, "Program.cs"), 'Console.WriteLine("Hello");\n')
        folders = ["train", "serve", "dev", "experiments/2024", "experiments/2025"]
        files = []
        for index in range(args.files):
            path = os.path.join(work, folders[index % len(folders)], f"config-{index:02d}.dstack.yml")
            write(path, configuration(index))
            files.append(path)
        lines = sum(configuration(index).count("\n") for index in range(args.files))
        stamp = os.path.join(work, "obj", "dstack-validate.stamp")

        # The files must be clean, or the target never writes its stamp and measure 1 would validate every time.
        _, _, output = run([*cli_command, "validate", "--format", "msbuild", *files], env, work)
        if output.strip():
            raise SystemExit(f"the generated configurations are not clean:\n{output[-4000:]}")

        build = ["dotnet", "build", "app.csproj", "--no-restore", "-nologo", "-tl:off", "-nodeReuse:false",
                 "-p:UseSharedCompilation=false"]
        restore_s, _, _ = run(["dotnet", "restore", "app.csproj", "-nodeReuse:false"], env, work)
        first_s, _, _ = run(build + ["-p:DstackValidateOnBuild=true"], env, work)
        if not os.path.exists(stamp):
            raise SystemExit(f"the first build with DstackValidateOnBuild=true wrote no stamp at {stamp}")
        _, _, verbose = run(build + ["-p:DstackValidateOnBuild=true", "-v:n"], env, work)
        if 'Skipping target "DstackValidate" because all output files are up-to-date' not in verbose:
            raise SystemExit("an unchanged build with DstackValidateOnBuild=true did not skip DstackValidate:\n"
                             + verbose[-4000:])
        print(f"project: console app, {args.files} configuration files ({lines} lines) in {work}")
        print(f"set-up: dotnet restore {restore_s:.2f} s (once; every timed command has --no-restore); "
              f"first build with validation {first_s:.2f} s")
        print(f"every MSBuild command: -nodeReuse:false, MSBUILDDISABLENODEREUSE=1, -p:UseSharedCompilation=false; "
              f"{args.warm_up} untimed runs of each command, then {args.runs} timed, interleaved")
        print(f"load average before measuring: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)

        # 1. Incremental build: nothing to compile, nothing to validate.
        stamp_time = os.stat(stamp).st_mtime_ns
        wall = {name: [] for name, _ in VARIANTS}
        cpu = {name: [] for name, _ in VARIANTS}
        for round_index in range(args.warm_up + args.runs):
            for name, extra in VARIANTS:
                w, c, _ = run(build + extra, env, work)
                if round_index >= args.warm_up:
                    wall[name].append(w)
                    cpu[name].append(c)
        if os.stat(stamp).st_mtime_ns != stamp_time:
            raise SystemExit("the stamp changed during the incremental builds: DstackValidate ran when it should not have")
        print(f"\n1. incremental `dotnet build --no-restore`, {args.runs} runs each "
              f"(ms; CPU = user + system of the whole process tree)")
        for name, _ in VARIANTS:
            row(name, wall[name], cpu[name])
        base = statistics.median(wall[VARIANTS[0][0]]) * 1000
        off = statistics.median(wall[VARIANTS[1][0]]) * 1000
        on = statistics.median(wall[VARIANTS[2][0]]) * 1000
        print(f"   difference of medians: on - not imported {on - base:+.1f} ms; on - off {on - off:+.1f} ms; "
              f"off - not imported {off - base:+.1f} ms (target: on - not imported < 100 ms)")
        # The variants run in turn within each round, so a pair from one round shares the machine's load of the moment.
        paired = [(b - a) * 1000 for a, b in zip(wall[VARIANTS[0][0]], wall[VARIANTS[2][0]])]
        print(f"   on - not imported, run by run (same round): median {statistics.median(paired):+.1f} ms, "
              f"from {min(paired):+.1f} to {max(paired):+.1f} ms")

        # MSBuild's own account of the same builds (separate runs: the summary's logger is not in the timings above).
        evaluation = {name: [] for name, _ in VARIANTS}
        building = {name: [] for name, _ in VARIANTS}
        dstack_targets = []
        for _ in range(args.runs):
            for name, extra in VARIANTS:
                _, _, output = run(build + extra + ["-clp:PerformanceSummary"], env, work)
                times = performance_summary(output)
                evaluation[name].append(times.get(("Project Evaluation", "app.csproj"), 0.0))
                building[name].append(times.get(("Project", "app.csproj"), 0.0))
                if extra == VARIANTS[2][1]:
                    if ("Target", "DstackValidate") not in times:
                        raise SystemExit("no DstackValidate target in the performance summary:\n" + output[-4000:])
                    dstack_targets.append(sum(value for (section, target), value in times.items()
                                              if section == "Target" and "Dstack" in target))
        print("   MSBuild's account (-clp:PerformanceSummary, separate runs; ms): evaluation of app.csproj / building it")
        for name, _ in VARIANTS:
            print(f"   {name:52s} evaluation median {statistics.median(evaluation[name]) * 1000:6.1f}   "
                  f"build median {statistics.median(building[name]) * 1000:6.1f}")
        print(f"   the Dstack targets together (_DstackPrepare, DstackValidate skipped, _DstackValidateOnBuild): "
              f"median {statistics.median(dstack_targets) * 1000:.1f} ms, max {max(dstack_targets) * 1000:.1f} ms")

        # 2. First validation: the stamp deleted before each run, next to the same command with the stamp in place.
        validate = build + ["-t:DstackValidate", "-clp:PerformanceSummary"]
        cold, warm, cold_cpu, target, task, project = [], [], [], [], [], []
        for round_index in range(args.warm_up + args.runs):
            os.remove(stamp)
            w, c, output = run(validate, env, work)
            if not os.path.exists(stamp):
                raise SystemExit("DstackValidate wrote no stamp:\n" + output[-4000:])
            times = performance_summary(output)
            if ("Task", "DstackValidate") not in times:
                raise SystemExit("no DstackValidate task in the performance summary:\n" + output[-4000:])
            skipped_s, _, _ = run(validate, env, work)
            if round_index >= args.warm_up:
                cold.append(w)
                cold_cpu.append(c)
                warm.append(skipped_s)
                target.append(times[("Target", "DstackValidate")])
                task.append(times[("Task", "DstackValidate")])
                project.append(times.get(("Project", "app.csproj"), 0.0))
        # The CLI alone, on every file and on one: the difference is the files' own cost, the rest the process's start.
        direct, direct_one = [], []
        for round_index in range(args.warm_up + args.runs):
            w, _, _ = run([*cli_command, "validate", "--format", "msbuild", *files], env, work)
            w_one, _, _ = run([*cli_command, "validate", "--format", "msbuild", files[0]], env, work)
            if round_index >= args.warm_up:
                direct.append(w)
                direct_one.append(w_one)
        print(f"\n2. first validation of {args.files} files: `dotnet build --no-restore -t:DstackValidate "
              f"-clp:PerformanceSummary` after deleting the stamp, {args.runs} runs (ms)")
        row("whole command (target: < 1500 ms)", cold, cold_cpu)
        row("  MSBuild's account: project app.csproj", project)
        row("  MSBuild's account: target DstackValidate", target)
        row("  MSBuild's account: task DstackValidate", task)
        row("same command, stamp up to date (target skipped)", warm)
        row(f"the CLI alone (dotnet dstack.dll validate), {args.files} files", direct)
        row("the CLI alone (dotnet dstack.dll validate), 1 file", direct_one)
        cost = (statistics.median(cold) - statistics.median(warm)) * 1000
        print(f"   whole command - skipped command, difference of medians: {cost:.1f} ms")

        # For scale, a fresh clone: obj deleted, so the same command restores first (no --no-restore here).
        fresh, fresh_task = [], []
        fresh_command = [part for part in validate if part != "--no-restore"]
        for _ in range(args.runs):
            shutil.rmtree(os.path.join(work, "obj"))
            w, _, output = run(fresh_command, env, work)
            if not os.path.exists(stamp):
                raise SystemExit("DstackValidate wrote no stamp after a fresh restore:\n" + output[-4000:])
            fresh.append(w)
            fresh_task.append(performance_summary(output).get(("Task", "DstackValidate"), 0.0))
        row("for scale: obj deleted, restore included", fresh)
        label = "  MSBuild's account: task DstackValidate"
        print(f"   {label:52s} median {statistics.median(fresh_task) * 1000:7.1f}")
        print(f"load average after measuring: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
