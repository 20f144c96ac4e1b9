#!/usr/bin/env bash
# mpirun's remote-launch agent for scripts/test-netns.sh: in place of `ssh HOST COMMAND`, runs COMMAND
# in the network namespace that owns HOST's address (electra-a 10.77.0.1, electra-b 10.77.0.2).
set -euo pipefail
host="$1"; shift
case "$host" in
    10.77.0.1) namespace=electra-a ;;
    10.77.0.2) namespace=electra-b ;;
    *) echo "netns-agent: unknown host $host" >&2; exit 1 ;;
esac
exec ip netns exec "$namespace" /bin/sh -c "$*"
