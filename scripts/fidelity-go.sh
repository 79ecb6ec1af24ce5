#!/usr/bin/env bash
# Installs real Go 1.23 for the fidelity run (scripts/fidelity.mjs) from Debian's own archive: the
# package `golang-1.23-go` lives in bookworm-backports. Adds the backports source when it is missing,
# then `apt-get install -t bookworm-backports golang-1.23-go`; and strace. Prints the path of the go
# binary on stdout. Needs root (CI runs as root); says loudly why when it cannot install, and exits 1.
set -euo pipefail
GO=/usr/lib/go-1.23/bin/go
fail() { echo "fidelity: CANNOT INSTALL GO 1.23: $*" >&2; exit 1; }
if [ -x "$GO" ] && command -v strace >/dev/null 2>&1; then echo "$GO"; exit 0; fi
command -v apt-get >/dev/null 2>&1 || fail "no apt-get on this machine (a Debian/Ubuntu system is needed)"
[ "$(id -u)" = 0 ] || fail "not root: run as root, or install golang-1.23-go yourself"
. /etc/os-release
codename=${VERSION_CODENAME:-}
[ -n "$codename" ] || fail "/etc/os-release has no VERSION_CODENAME"
suite="${codename}-backports"
if [ -x "$GO" ]; then
  : # Go is here; only strace is missing (installed below)
elif [ "$ID" = debian ]; then
  if ! grep -rqs -- "$suite" /etc/apt/sources.list /etc/apt/sources.list.d/; then
    echo "fidelity: adding the $suite apt source" >&2
    printf 'Types: deb\nURIs: http://deb.debian.org/debian\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
      "$suite" >/etc/apt/sources.list.d/netflow-fidelity-backports.sources
  fi
  (apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq -t "$suite" golang-1.23-go) >&2 ||
    fail "apt-get install -t $suite golang-1.23-go failed (see above)"
else
  # Ubuntu ships golang-1.23-go in its own suites for recent releases.
  (apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq golang-1.23-go) >&2 ||
    fail "apt-get install golang-1.23-go failed on $PRETTY_NAME"
fi
[ -x "$GO" ] || fail "golang-1.23-go installed but $GO is missing"
command -v strace >/dev/null 2>&1 || (DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq strace) >&2 ||
  fail "strace missing and cannot be installed"
echo "$GO"
