#!/usr/bin/env bash
# Language servers side by side in turns: each round runs ../shared/lsp-bench (3 runs of 200 iterations) against every
# server named, one after the other, and prints one line per server and round (completion, hover and edit latencies,
# cold start, peak RSS). Taking turns within each round keeps a change of the machine's load from favouring one build.
#   bash benchmarks/scripts/lsp_bench_ab.sh ROUNDS NAME=SERVER [NAME=SERVER ...]
#   e.g. bash benchmarks/scripts/lsp_bench_ab.sh 4 main=/tmp/main-ls/dstack-language-server new=artifacts/native/linux-x64/dstack-language-server/dstack-language-server
# CHRT="chrt -f 10" runs client and server under real-time scheduling (as root): the nearest to an idle machine
# while other processes run. Needs Node 20 and the harness's packages (`npm ci` in ../shared/lsp-bench).
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"
bench="$(cd "${LSP_BENCH:-$root/../shared/lsp-bench}" && pwd)"
rounds="$1"
shift
[ -d "$bench/node_modules" ] || (cd "$bench" && npm ci --no-audit --no-fund)
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
for round in $(seq "$rounds"); do
  for pair in "$@"; do
    name="${pair%%=*}"
    server="$(realpath "${pair#*=}")"
    (cd "$bench" && ${CHRT:-} node bench.mjs --server "$server --stdio" --settings none --runs 3 --label "$name" --out "$out/$name-$round.json" >/dev/null 2>&1) \
      || { echo "round $round $name: lsp-bench failed" >&2; continue; }
    python3 - "$out/$name-$round.json" "$round" "$name" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
c, h, e = s["completionMs"], s["hoverMs"], s["editToDiagnosticsMs"]
print(f"{sys.argv[2]} {sys.argv[3]:<10} completion p50 {c['p50']:.2f} p95 {c['p95']:.2f} p99 {c['p99']:.2f} | "
      f"hover p95 {h['p95']:.2f} p99 {h['p99']:.2f} | edit p95 {e['p95']:.2f} | cold {s['coldStartMs']['p50']:.1f} ms | "
      f"peak RSS {s['peakRssMb']['max']:.1f} MB")
PY
  done
done
