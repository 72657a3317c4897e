#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine and prints one closing line: "tests: N passed, N failed, N skipped".
# Installs what the tests need first: git (working copies, folder search), python3 (this script's summary, the
# sample web app and the multi-node test), setsid from util-linux (each job runs in its own session), procps, and
# Node.js with npm (the language server is also tested through Microsoft's LSP client library, tests/lsp-client), and
# OpenSSH's server and client (the SSH host tests start a real sshd on 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v git >/dev/null || missing+=(git)
command -v python3 >/dev/null || missing+=(python3)
command -v setsid >/dev/null || missing+=(util-linux)
command -v ps >/dev/null || missing+=(procps)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v /usr/sbin/sshd >/dev/null || missing+=(openssh-server)
command -v ssh >/dev/null || missing+=(openssh-client)
if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "the tests need: ${missing[*]}; install them (as root: apt-get install -y ${missing[*]})" >&2
    exit 1
  fi
fi

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

# The exact versions of package-lock.json; RealClientTests fails, saying so, when they are missing.
npm ci --prefix tests/lsp-client --no-audit --no-fund --loglevel=error

dotnet build Dstack.sln -c Release -nologo -v quiet
status=0
# One test project at a time: the end-to-end tests start real processes and time them, and CI has 2 cores.
dotnet test Dstack.sln -c Release --no-build -nologo -v quiet -m:1 \
  --logger "trx" --results-directory "$results" "$@" || status=$?

# --- VS Code extension (editors/vscode) -------------------------------------------------------------------------------
# node and npm are installed above when missing. Its unit tests (the vscode module stubbed), then the
# .vsix packaged (the solution is built above, so publishing the server is incremental) and its content checked.
# vitest writes JUnit files; the summary below adds them in. A failure makes the script exit non-zero.
npm ci --prefix editors/vscode --no-audit --no-fund --loglevel=error
(cd editors/vscode && npx tsc --noEmit -p . &&
  npx vitest run --reporter=default --reporter=junit --outputFile.junit="$results/unit.vscode.junit.xml") || status=$?
(cd editors/vscode &&
  { npm run --silent package >"$results/vscode-package.log" 2>&1 || { cat "$results/vscode-package.log" >&2; exit 1; }; } &&
  npx vitest run --config vitest.package.config.ts --reporter=default --reporter=junit --outputFile.junit="$results/package.vscode.junit.xml") || status=$?
# --- end VS Code extension ----------------------------------------------------------------------------------------------

# Sum the TRX counters of every test project into the plain closing line CI reads.
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for path in glob.glob(f"{sys.argv[1]}/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    if counters is None:
        continue
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    skipped += int(counters.get("notExecuted", 0))
# --- VS Code extension: vitest's JUnit files (scripts/test.sh writes them as *.vscode.junit.xml) ---
for path in glob.glob(f"{sys.argv[1]}/*.vscode.junit.xml"):
    for suite in ET.parse(path).getroot().iter("testsuite"):
        tests, failures, errors, skips = (int(suite.get(key, 0)) for key in ("tests", "failures", "errors", "skipped"))
        passed += tests - failures - errors - skips
        failed += failures + errors
        skipped += skips
# --- end VS Code extension ---
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
if passed == 0:
    print("no test ran", file=sys.stderr)
    sys.exit(1)
PY
exit "$status"
