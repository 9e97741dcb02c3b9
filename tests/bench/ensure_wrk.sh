#!/bin/sh
# Installs wrk (the HTTP load generator the web benchmarks drive) from Debian's packages when it is
# missing. Non-interactive; needs root (or sudo). Prints the path of wrk.
set -eu
if ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
        SUDO=sudo
    else
        SUDO=
    fi
    export DEBIAN_FRONTEND=noninteractive
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi
command -v wrk
