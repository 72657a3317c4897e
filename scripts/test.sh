#!/usr/bin/env bash
# Runs every test of the solution on a fresh machine and prints one closing line: "tests: N passed, N failed, N skipped".
# Before it, each failed test's full name, message and the first lines of its stack trace (the TRX and JUnit files
# are deleted on exit, so the log has to say why).
# --fast: only the in-process tests (xunit trait Category=Fast: no child processes, sshd, docker, namespaces, MSBuild
# builds or the built CLI), without the npm and VS Code parts: the quick loop while editing (docs/testing.md).
# Other arguments go to dotnet test (e.g. --filter "FullyQualifiedName~Snapshot").
# Installs what the tests need first: git (working copies, folder search), python3 (this script's summary, the
# sample web app and the multi-node test), setsid from util-linux (each job runs in its own session), procps, and
# Node.js with npm (the language server is also tested through Microsoft's LSP client library, tests/lsp-client), and
# OpenSSH's server and client (the SSH host tests start a real sshd on 127.0.0.1).
set -euo pipefail
cd "$(dirname "$0")/.."

# The AWS SDK's credential chain ends with the instance metadata service at a link-local address; tests reach only
# loopback and their own namespaces, so the SDK is told never to ask it (the CLI processes the tests start inherit it).
export AWS_EC2_METADATA_DISABLED=true
export AZURE_TOKEN_CREDENTIALS=EnvironmentCredential

fast=0
if [ "${1:-}" = --fast ]; then
  fast=1
  shift
fi

missing=()
command -v git >/dev/null || missing+=(git)
command -v python3 >/dev/null || missing+=(python3)
command -v setsid >/dev/null || missing+=(util-linux)
command -v ps >/dev/null || missing+=(procps)
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
command -v /usr/sbin/sshd >/dev/null || missing+=(openssh-server)
command -v ssh >/dev/null || missing+=(openssh-client)
if [ "$fast" = 1 ]; then
  # The fast tests start no other program; the summary below needs python3 only.
  missing=()
  command -v python3 >/dev/null || missing+=(python3)
fi
# shellcheck source=lib/require-packages.sh
. scripts/lib/require-packages.sh
require_packages "the tests need" ${missing[@]+"${missing[@]}"}

results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT

status=0
if [ "$fast" = 1 ]; then
  dotnet build Dstack.sln -c Release -nologo -v quiet
  # In-process tests only, so the test projects may run side by side.
  dotnet test Dstack.sln -c Release --no-build -nologo -v quiet --filter "Category=Fast" \
    --logger "trx" --results-directory "$results" "$@" || status=$?
else
# The exact versions of package-lock.json; RealClientTests fails, saying so, when they are missing.
npm ci --prefix tests/lsp-client --no-audit --no-fund --loglevel=error

dotnet build Dstack.sln -c Release -nologo -v quiet

# The native (Native AOT) CLI and language server in artifacts/native (installs clang, lld and zlib1g-dev as root when
# missing); trim and AOT warnings are errors there. NativeParityTests compare them with the portable build, and the
# end-to-end and LSP client tests run against them again below (docs/native.md).
bash scripts/publish-native.sh >"$results/publish-native.log" 2>&1 || { cat "$results/publish-native.log" >&2; status=1; }

# A real Docker engine with the local busybox image for the container tests (DockerFact), from the workplace's recipe
# beside the repository, when it is there and this runs as root. Best effort: without an engine those tests are
# skipped and say why. Only a dockerd started here is stopped at the end (teardown.sh knows it by its pid file).
engine="$PWD/../shared/recipes/container-engine"
if [ "$(id -u)" = 0 ] && [ -f "$engine/setup-engine.sh" ]; then
  if BUILD_PYTHON=0 timeout 600 bash "$engine/setup-engine.sh" >"$results/engine.log" 2>&1; then
    trap 'bash "$engine/teardown.sh" >/dev/null 2>&1; rm -rf "$results"' EXIT
  else
    echo "no Docker engine for the container tests (they are skipped); setup-engine.sh said:" >&2
    tail -n 5 "$results/engine.log" >&2
  fi
fi

# Debian's reference registry and htpasswd for the registry_auth tests (LoopbackRegistry, RegistryFact), when this
# runs as root. Best effort, like the engine: without them those tests are skipped and say why. The tests start their
# own registry on a free loopback port; no service may start from the package (policy-rc.d says no while installing).
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && ! { command -v docker-registry && command -v htpasswd; } >/dev/null; then
  made_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && made_policy=1
  fi
  # A fresh machine's package lists may be stale: one apt-get update, then once more.
  { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-registry apache2-utils >"$results/registry.log" 2>&1 ||
    { DEBIAN_FRONTEND=noninteractive apt-get update -qq >>"$results/registry.log" 2>&1 &&
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends docker-registry apache2-utils >>"$results/registry.log" 2>&1; }; } ||
    { echo "no docker-registry for the registry_auth tests (they are skipped); apt-get said:" >&2; tail -n 5 "$results/registry.log" >&2; }
  if [ -n "$made_policy" ]; then rm -f /usr/sbin/policy-rc.d; fi
fi

# One test project at a time: the end-to-end tests start real processes and time them, and CI has 2 cores.
dotnet test Dstack.sln -c Release --no-build -nologo -v quiet -m:1 \
  --logger "trx" --results-directory "$results" "$@" || status=$?

# The same end-to-end runs (run, logs, ps, stop, attach) and the LSP client tests with the native programs (not when
# arguments such as a --filter were given).
native="$PWD/artifacts/native/linux-x64"
if [ "$#" -eq 0 ] && [ -x "$native/dstack/dstack" ] && [ -x "$native/dstack-language-server/dstack-language-server" ]; then
  DSTACK_TEST_CLI="$native/dstack/dstack" dotnet test tests/Dstack.Cli.Tests -c Release --no-build -nologo -v quiet \
    --filter "FullyQualifiedName~Dstack.Cli.Tests.Runs.RunEndToEndTests|FullyQualifiedName~Dstack.Cli.Tests.Runs.StopEndToEndTests|FullyQualifiedName~Dstack.Cli.Tests.Runs.LogsEndToEndTests|FullyQualifiedName~Dstack.Cli.Tests.Runs.AttachEndToEndTests" \
    --logger "trx;LogFileName=native-cli.trx" --results-directory "$results/native" "$@" || status=$?
  DSTACK_TEST_LANGUAGE_SERVER="$native/dstack-language-server/dstack-language-server" dotnet test tests/Dstack.LanguageServer.Tests -c Release --no-build -nologo -v quiet \
    --filter "FullyQualifiedName~RealClientTests" \
    --logger "trx;LogFileName=native-lsp.trx" --results-directory "$results/native" "$@" || status=$?
fi

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
fi

# Sum the TRX counters of every test project into the plain closing line CI reads; before it, why each failed test failed.
python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
MESSAGE_LINES, STACK_LINES = 40, 15
passed = failed = skipped = 0
failures = []  # (full name, message, stack trace)


def lines(text, limit):
    """The first `limit` lines of text, indented, and how many more there were."""
    rows = [row.rstrip() for row in (text or "").strip("\n").splitlines()]
    while rows and not rows[-1]:
        rows.pop()
    shown = ["    " + row for row in rows[:limit]]
    if len(rows) > limit:
        shown.append(f"    ... {len(rows) - limit} more lines")
    return shown


for path in sorted(glob.glob(f"{sys.argv[1]}/**/*.trx", recursive=True)):
    root = ET.parse(path).getroot()
    counters = root.find("t:ResultSummary/t:Counters", ns)
    if counters is None:
        continue
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    skipped += int(counters.get("notExecuted", 0))
    # The full name from the test's definition (class and method), where testName is only a display name.
    names = {}
    for test in root.iterfind("t:TestDefinitions/t:UnitTest", ns):
        method = test.find("t:TestMethod", ns)
        if method is not None:
            names[test.get("id")] = method.get("className", "") + "." + method.get("name", "")
    for result in root.iterfind(".//t:UnitTestResult", ns):
        if result.get("outcome") not in ("Failed", "Error", "Timeout", "Aborted"):
            continue
        name = result.get("testName") or ""
        if "." not in name:
            name = names.get(result.get("testId"), name or "?")
        info = result.find("t:Output/t:ErrorInfo", ns)
        message = info.findtext("t:Message", "", ns) if info is not None else ""
        stack = info.findtext("t:StackTrace", "", ns) if info is not None else ""
        failures.append((name, message or f"(outcome {result.get('outcome')}, no message)", stack))
# --- VS Code extension: vitest's JUnit files (scripts/test.sh writes them as *.vscode.junit.xml) ---
for path in sorted(glob.glob(f"{sys.argv[1]}/*.vscode.junit.xml")):
    root = ET.parse(path).getroot()
    for suite in root.iter("testsuite"):
        tests, failures_, errors, skips = (int(suite.get(key, 0)) for key in ("tests", "failures", "errors", "skipped"))
        passed += tests - failures_ - errors - skips
        failed += failures_ + errors
        skipped += skips
    for case in root.iter("testcase"):
        for problem in case.findall("failure") + case.findall("error"):
            name = " > ".join(part for part in (case.get("classname"), case.get("name")) if part)
            message = problem.get("message") or problem.get("type") or "(no message)"
            failures.append((f"vscode: {name}", message, problem.text or ""))
# --- end VS Code extension ---
for name, message, stack in failures:
    print(f"FAILED {name}")
    print("\n".join(lines(message, MESSAGE_LINES)))
    if stack.strip():
        print("  stack:")
        print("\n".join(lines(stack, STACK_LINES)))
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
if passed == 0:
    print("no test ran", file=sys.stderr)
    sys.exit(1)
PY
exit "$status"
