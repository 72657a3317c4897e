#!/usr/bin/env bash
# Runs ../shared/lsp-bench against the dstack language server (and its native build, when published) and against the
# yaml-language-server baseline, on this machine, one after the other, and writes the result files and the side-by-side
# report to benchmarks/lsp/.
#   bash benchmarks/scripts/lsp_bench.sh [RUNS]     (default 3 runs of 200 iterations each)
# Needs Node 20 and the harness's packages (`npm ci` in ../shared/lsp-bench; this script runs it when they are missing).
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$(pwd)"
# LSP_BENCH names another copy of the harness (with its own node_modules).
bench="$(cd "${LSP_BENCH:-$root/../shared/lsp-bench}" && pwd)"
out="$root/benchmarks/lsp"
runs="${1:-3}"
mkdir -p "$out"

[ -d "$bench/node_modules" ] || (cd "$bench" && npm ci --no-audit --no-fund)
dotnet build "$root/src/Dstack.LanguageServer" -c Release -nologo -v quiet
server="$root/src/Dstack.LanguageServer/bin/Release/net10.0/dstack-language-server.dll"

cd "$bench"
node bench.mjs --server "dotnet $server --stdio" --settings none --runs "$runs" \
  --label dstack-language-server --out "$out/dstack-language-server.json"
# The native server too, when scripts/publish-native.sh has published it (docs/native.md).
native="$root/artifacts/native/linux-x64/dstack-language-server/dstack-language-server"
reports=()
if [ -x "$native" ]; then
  node bench.mjs --server "$native --stdio" --settings none --runs "$runs" \
    --label dstack-language-server-native --out "$out/dstack-language-server-native.json"
  reports+=("$out/dstack-language-server-native.json")
fi
if [ "${SKIP_BASELINE:-0}" != 1 ]; then
  node bench.mjs --server "node node_modules/yaml-language-server/bin/yaml-language-server --stdio" --settings yaml \
    --runs "$runs" --out "$out/yaml-language-server.json"
fi
node bench.mjs --report "$out/yaml-language-server.json" "$out/dstack-language-server.json" "${reports[@]}" > "$out/report.md"
cat "$out/report.md"
