#!/usr/bin/env python3
"""Writes an lsp-bench probes file whose completion cases are the 402-line fixture with a cursor in it.

lsp-bench's own completion probes are 5-7 line documents; these measure completion, as the client sees it, on a
400-line file. The six original probes are kept, so one run gives both. Usage:

    python3 benchmarks/scripts/large_completion_probes.py ../shared/lsp-bench/fixtures > /tmp/probes-large.json
    node ../shared/lsp-bench/bench.mjs --probes /tmp/probes-large.json --settings none --runs 1 \
        --server "dotnet src/Dstack.LanguageServer/bin/Release/net10.0/dstack-language-server.dll --stdio"
"""
import json
import sys
from pathlib import Path

# (case name, 0-based line, character): the positions of benchmarks/Dstack.Benchmarks/CompletionBenchmarks.cs.
POSITIONS = [
    ("large-top-level-key", 398, 0),
    ("large-spot_policy-value", 387, 13),
    ("large-gpu-object-key", 359, 6),
    ("large-gpu-name-in-list", 357, 21),
    ("large-env-item", 40, 4),
]


def main() -> None:
    fixtures = Path(sys.argv[1])
    probes = json.loads((fixtures / "probes.json").read_text())
    lines = (fixtures / "08-large-pipeline.dstack.yml").read_text().split("\n")
    cursor = probes["cursor"]
    for name, line, character in POSITIONS:
        marked = list(lines)
        marked[line] = marked[line][:character] + cursor + marked[line][character:]
        probes["completion"][name] = marked
    json.dump(probes, sys.stdout, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main()
