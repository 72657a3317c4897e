# Sourced by the scripts: require_packages WHAT PACKAGE...
# Installs the Debian packages given (those found missing by the caller) when this runs as root with apt-get;
# otherwise says what WHAT needs and how to install it, and exits 1. No packages: does nothing.
require_packages() {
  local what="$1"
  shift
  [ "$#" -gt 0 ] || return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "installing $*" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
  else
    echo "$what: $*; install them (as root: apt-get install -y $*)" >&2
    exit 1
  fi
}
