#!/usr/bin/env bash
# Runs a command inside a fresh user + network namespace, so that nothing it sends can leave
# on the machine's real interfaces. The namespace has `lo` up and one veth pair with test
# addresses 10.99.0.1/24 (sr0) and 10.99.0.2/24 (sr1): WebRTC stacks that skip loopback
# (libjuice, libwebrtc's default) still find a host address there. The namespace, and
# everything in it, disappears when the command exits.
#
#   scripts/in-netns.sh node --import tsx bench/run.ts
set -euo pipefail
if [ "${SANSRTC_IN_NETNS:-}" = 1 ]; then exec "$@"; fi
exec unshare --user --map-root-user --net -- bash -c '
  set -euo pipefail
  ip link set lo up
  ip link add sr0 type veth peer name sr1
  ip addr add 10.99.0.1/24 dev sr0
  ip addr add 10.99.0.2/24 dev sr1
  ip link set sr0 up
  ip link set sr1 up
  ip link set lo multicast on
  ip route add 224.0.0.0/4 dev lo 2>/dev/null || true
  export SANSRTC_IN_NETNS=1
  exec "$@"
' in-netns "$@"
