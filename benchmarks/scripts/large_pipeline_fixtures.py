#!/usr/bin/env python3
"""Copies lsp-bench's fixtures into OUT with 08-large-pipeline.dstack.yml grown to LINES lines (its `commands:` list
repeated), for the edit latency of a large file (docs/performance.md, "Native AOT"): lsp-bench's edits go to that file.

Usage: python3 benchmarks/scripts/large_pipeline_fixtures.py BENCH_FIXTURES OUT [--lines 2000]
"""
import argparse
import os
import shutil


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("fixtures")
    parser.add_argument("out")
    parser.add_argument("--lines", type=int, default=2000)
    args = parser.parse_args()
    shutil.rmtree(args.out, ignore_errors=True)
    shutil.copytree(args.fixtures, args.out)
    path = os.path.join(args.out, "08-large-pipeline.dstack.yml")
    with open(path) as f:
        lines = f.read().splitlines()
    start = lines.index("commands:") + 1
    end = start
    while end < len(lines) and (lines[end].startswith(" ") or not lines[end]):
        end += 1
    commands = lines[start:end]
    grown = lines[:end]
    while len(grown) + (len(lines) - end) < args.lines:
        grown.extend(commands[: args.lines - len(grown) - (len(lines) - end)])
    grown.extend(lines[end:])
    with open(path, "w") as f:
        f.write("\n".join(grown) + "\n")
    print(f"{path}: {len(grown)} lines")


if __name__ == "__main__":
    main()
