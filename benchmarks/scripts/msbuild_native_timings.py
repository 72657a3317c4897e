#!/usr/bin/env python3
"""`dotnet build -t:DstackValidate` over FILES configurations with the native CLI preferred (the default) next to the
portable (JIT) CLI (`-p:DstackPreferNativeCli=false`), in turns (docs/performance.md, "Native AOT").

The project is the one of msbuild_validate_timings.py (a console app importing src/Dstack.Tasks/build/ from this
checkout, FILES generated valid configurations), but its CLI is laid out as the Dstack.Tasks package lays it out:
tools/cli/ holds the portable build (src/Dstack.Cli/bin/Release/net10.0) and tools/cli-native/linux-x64/ the native
one (artifacts/native/linux-x64/dstack), and DstackCliPath names tools/cli/dstack.dll, so the task itself chooses
(docs/native.md, "Where the front ends use it"). Before measuring, one build of each variant at normal verbosity
checks which CLI the task ran.

Each round deletes the stamp (obj/dstack-validate.stamp) and runs `dotnet build --no-restore -t:DstackValidate
-clp:PerformanceSummary` once per variant, the variants in turns. Reported: the whole command, and MSBuild's own time
for the DstackValidate task; median, p90 (nearest rank), min.

Usage: python3 benchmarks/scripts/msbuild_native_timings.py [--runs N] [--warm-up N] [--files N]
Builds nothing: run `dotnet build -c Release Dstack.sln` and `bash scripts/publish-native.sh` first.
"""
import argparse
import os
import shutil
import statistics
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import msbuild_validate_timings as base  # noqa: E402  (same folder: the project, the files and the helpers)

PORTABLE = os.path.join(base.ROOT, "src", "Dstack.Cli", "bin", "Release", "net10.0")
NATIVE = os.path.join(base.ROOT, "artifacts", "native", "linux-x64", "dstack")
VARIANTS = [("native CLI preferred (default)", []), ("portable CLI (DstackPreferNativeCli=false)", ["-p:DstackPreferNativeCli=false"])]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=10, help="timed rounds (default 10)")
    parser.add_argument("--warm-up", type=int, default=2, help="untimed rounds first (default 2)")
    parser.add_argument("--files", type=int, default=50, help="configuration files in the project (default 50)")
    args = parser.parse_args()
    if args.runs < 1 or args.warm_up < 0 or args.files < 1:
        parser.error("--runs and --files must be at least 1, --warm-up at least 0")
    for path, how in ((os.path.join(PORTABLE, "dstack.dll"), "dotnet build -c Release Dstack.sln"),
                      (base.DEFAULT_TASKS, "dotnet build -c Release Dstack.sln"),
                      (os.path.join(NATIVE, "dstack"), "bash scripts/publish-native.sh")):
        if not os.path.exists(path):
            raise SystemExit(f"{path} is missing: run {how}")

    env = base.clean_environment()
    work = tempfile.mkdtemp(prefix="dstack-msbuild-native-")
    try:
        tools = os.path.join(work, "package", "tools")
        shutil.copytree(PORTABLE, os.path.join(tools, "cli"))
        shutil.copytree(NATIVE, os.path.join(tools, "cli-native", "linux-x64"))
        cli = os.path.join(tools, "cli", "dstack.dll")
        project = os.path.join(work, "project")
        base.write(os.path.join(project, "Directory.Build.props"), "<Project />\n")
        base.write(os.path.join(project, "Directory.Build.targets"), "<Project />\n")
        base.write(os.path.join(project, "app.csproj"), base.project_xml(os.path.abspath(base.DEFAULT_TASKS), cli))
        base.write(os.path.join(project, "Program.cs"), 'Console.WriteLine("Hello");\n')
        folders = ["train", "serve", "dev", "experiments/2024", "experiments/2025"]
        files = []
        for index in range(args.files):
            path = os.path.join(project, folders[index % len(folders)], f"config-{index:02d}.dstack.yml")
            base.write(path, base.configuration(index))
            files.append(path)
        stamp = os.path.join(project, "obj", "dstack-validate.stamp")
        _, _, output = base.run([os.path.join(tools, "cli-native", "linux-x64", "dstack"), "validate", "--format", "msbuild", *files], env, project)
        if output.strip():
            raise SystemExit(f"the generated configurations are not clean:\n{output[-4000:]}")

        build = ["dotnet", "build", "app.csproj", "--no-restore", "-nologo", "-tl:off", "-nodeReuse:false",
                 "-p:UseSharedCompilation=false", "-t:DstackValidate"]
        base.run(["dotnet", "restore", "app.csproj", "-nodeReuse:false"], env, project)
        base.run(["dotnet", "build", "app.csproj", "--no-restore", "-nologo", "-tl:off", "-nodeReuse:false",
                  "-p:UseSharedCompilation=false"], env, project)
        # Which CLI each variant runs: the task logs its command line at normal verbosity.
        for name, extra in VARIANTS:
            if os.path.exists(stamp):
                os.remove(stamp)
            _, _, verbose = base.run(build + extra + ["-v:n"], env, project)
            native = "cli-native" in verbose
            if native != (not extra):
                raise SystemExit(f"{name}: the task ran the {'native' if native else 'portable'} CLI:\n{verbose[-4000:]}")
        print(f"project: console app, {args.files} configuration files; CLI laid out as in the package ({tools})")
        print(f"{args.warm_up} untimed rounds, then {args.runs} timed; the variants in turns within each round")
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)

        wall = {name: [] for name, _ in VARIANTS}
        task = {name: [] for name, _ in VARIANTS}
        for round_index in range(args.warm_up + args.runs):
            for name, extra in VARIANTS:
                os.remove(stamp)
                w, _, output = base.run(build + extra + ["-clp:PerformanceSummary"], env, project)
                if not os.path.exists(stamp):
                    raise SystemExit(f"{name}: DstackValidate wrote no stamp:\n{output[-4000:]}")
                times = base.performance_summary(output)
                if round_index >= args.warm_up:
                    wall[name].append(w)
                    task[name].append(times[("Task", "DstackValidate")])
        print(f"\nfirst validation of {args.files} files: `dotnet build --no-restore -t:DstackValidate` after deleting the stamp (ms)")
        for name, _ in VARIANTS:
            base.row(f"{name}: whole command", wall[name])
            base.row(f"{name}: task DstackValidate (MSBuild's account)", task[name])
        names = [name for name, _ in VARIANTS]
        paired = [(b - a) * 1000 for a, b in zip(wall[names[0]], wall[names[1]])]
        print(f"   portable - native, whole command, difference of medians "
              f"{(statistics.median(wall[names[1]]) - statistics.median(wall[names[0]])) * 1000:+.1f} ms; "
              f"round by round median {statistics.median(paired):+.1f} ms (from {min(paired):+.1f} to {max(paired):+.1f})")
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
