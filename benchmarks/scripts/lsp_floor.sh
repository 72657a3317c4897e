#!/usr/bin/env bash
# lsp-bench's floor on this machine: a server that does no work (benchmarks/lsp/null-server), answering with the
# answers recorded from the first server named, in turns with the servers named (lsp_bench_ab.sh). The difference
# between a server's line and the null server's line of the same round is that server's own share of the latency.
#   bash benchmarks/scripts/lsp_floor.sh ROUNDS NAME=SERVER [NAME=SERVER ...]
#   e.g. bash benchmarks/scripts/lsp_floor.sh 6 native=artifacts/native/linux-x64/dstack-language-server/dstack-language-server
# Needs a C compiler (cc or clang: scripts/publish-native.sh installs clang), python3, Node 20 and ../shared/lsp-bench.
set -euo pipefail
cd "$(dirname "$0")/../.."
rounds="$1"
shift
first="$(realpath "${1#*=}")"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
compiler="$(command -v cc || command -v clang || true)"
[ -n "$compiler" ] || { echo "lsp_floor.sh: no C compiler (cc or clang); scripts/publish-native.sh installs clang" >&2; exit 2; }
"$compiler" -O2 -o "$work/null-server" benchmarks/lsp/null-server/null_server.c
python3 benchmarks/scripts/lsp_record_answers.py "$first" "$work/answers"
export NULL_SERVER_ANSWERS="$work/answers"
bash benchmarks/scripts/lsp_bench_ab.sh "$rounds" "null=$work/null-server" "$@"
