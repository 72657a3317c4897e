#!/usr/bin/env bash
# Publishes the CLI and the language server as native (Native AOT) linux-x64 executables:
#   artifacts/native/linux-x64/dstack/dstack                                  (with libe_sqlite3.so beside it)
#   artifacts/native/linux-x64/dstack/dstack-controller                       (the run controller: Dstack.Cli's publish brings it)
#   artifacts/native/linux-x64/dstack-language-server/dstack-language-server
# Trim and AOT warnings are errors (TreatWarningsAsErrors), so a publish that succeeds has none. Installs what the
# native compiler needs when it is missing and this runs as root: clang, lld and zlib1g-dev (docs/native.md).
# Only linux-x64 is compiled here; macOS and Windows keep the portable (JIT) build.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v clang >/dev/null || missing+=(clang)
command -v ld.lld >/dev/null || missing+=(lld)
[ -e /usr/include/zlib.h ] || missing+=(zlib1g-dev)
# shellcheck source=lib/require-packages.sh
. scripts/lib/require-packages.sh
require_packages "a native publish needs" ${missing[@]+"${missing[@]}"}

out="artifacts/native/linux-x64"
for project in Dstack.Cli:dstack Dstack.LanguageServer:dstack-language-server; do
  name="${project#*:}"
  rm -rf "$out/$name"
  dotnet publish "src/${project%%:*}" -c Release -r linux-x64 -p:PublishAot=true -nologo -v quiet -o "$out/$name"
  # The debug symbols (*.dbg, several times the binary) stay in obj/; nothing runs them.
  rm -f "$out/$name"/*.dbg "$out/$name"/*.pdb "$out/$name"/*.xml
done
ls -l "$out"/dstack/dstack "$out"/dstack/dstack-controller "$out"/dstack-language-server/dstack-language-server
