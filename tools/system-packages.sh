#!/usr/bin/env bash
# The Debian packages the tests use (and, with --ci, what .ci/run needs besides): installed where this can be
# done (root with apt-get), otherwise named with the command that installs them. The tests that need a missing
# one are skipped with a line saying so; this script only fails in --ci mode, where nothing may be skipped.
# SYSTEM_PACKAGES=skip leaves the system alone.
set -u

ci=false
[ "${1:-}" = "--ci" ] && ci=true
[ "${SYSTEM_PACKAGES:-}" = "skip" ] && ! $ci && exit 0

# package: the file that shows it is there ('' : ask dpkg)
declare -A shows=(
    [chromium]=/usr/bin/chromium
    [libreoffice-calc-nogui]=/usr/bin/soffice
)
if $ci; then
    shows[postgresql]=/usr/bin/pg_ctlcluster
    shows[make]=/usr/bin/make
    shows[python3-venv]=
fi

missing=()
for package in "${!shows[@]}"; do
    if ! { { [ -n "${shows[$package]}" ] && [ -e "${shows[$package]}" ]; } || dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed'; }; then
        missing+=("$package")
    fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing the Debian packages the tests use: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null; then
        exit 0
    fi
    echo "Could not install ${missing[*]}." >&2
    $ci && exit 1
    echo "The tests that need them will be skipped." >&2
    exit 0
fi
$ci && { echo "CI needs root and apt-get to install: ${missing[*]}" >&2; exit 1; }
echo "Not installed: ${missing[*]}. The tests that need them will be skipped; to run them too:"
echo "    sudo apt-get install ${missing[*]}"
exit 0
