#!/usr/bin/env bash
# Part of ./flint demo: Flint's WireGuard tunnel against Debian's wireguard-go, in two network
# namespaces joined by a veth pair. Flint runs exactly as a user runs it
# (./flint tunnel wireguard CONFIG); wireguard-go is configured with the standard wg tool.
# Shows: the handshake, a ping through the tunnel, `wg show` on Flint's own interface (through
# Flint's userspace API) and a few seconds of iperf3. Prints one line per step; exit 0 only if
# every step worked. Needs root, wireguard-go, wireguard-tools, iperf3, iproute2.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
TAG="fd$(printf '%04x' $((RANDOM % 65536)))"
NS_FLINT="$TAG-flint"
NS_GO="$TAG-go"
IF_FLINT="${TAG}f"
IF_GO="${TAG}g"
WORK="$(mktemp -d /tmp/flint-demo.XXXXXX)"
PIDS=()

step() { printf '  %-5s %s\n' "$1" "$2"; }
fail() { step FAIL "$1"; [ -f "$WORK/flint.log" ] && sed 's/^/        | /' "$WORK/flint.log" | tail -15; exit 1; }

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  for ns in "$NS_FLINT" "$NS_GO"; do
    ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -f "/var/run/wireguard/$IF_FLINT.sock" "/var/run/wireguard/$IF_GO.sock"
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

[ "$(id -u)" -eq 0 ] || fail "this part needs root (network namespaces and TUN devices)"
for tool in wireguard-go wg iperf3 ip; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install wireguard-go wireguard-tools iperf3 iproute2)"
done

ip netns add "$NS_FLINT"
ip netns add "$NS_GO"
ip -n "$NS_FLINT" link set lo up
ip -n "$NS_GO" link set lo up
ip link add veth0 netns "$NS_FLINT" type veth peer name veth0 netns "$NS_GO"
ip -n "$NS_FLINT" addr add 192.168.77.1/24 dev veth0
ip -n "$NS_GO" addr add 192.168.77.2/24 dev veth0
ip -n "$NS_FLINT" link set veth0 up
ip -n "$NS_GO" link set veth0 up
step ok "two network namespaces joined by a veth pair: Flint at 192.168.77.1, wireguard-go at 192.168.77.2"

umask 077
wg genkey >"$WORK/flint.key"; wg pubkey <"$WORK/flint.key" >"$WORK/flint.pub"
wg genkey >"$WORK/go.key"; wg pubkey <"$WORK/go.key" >"$WORK/go.pub"
wg genpsk >"$WORK/psk"

cat >"$WORK/flint.conf" <<CONF
[Interface]
PrivateKey = $(cat "$WORK/flint.key")
Address = 10.77.0.1/24
ListenPort = 51820
MTU = 1420

[Peer]
PublicKey = $(cat "$WORK/go.pub")
PresharedKey = $(cat "$WORK/psk")
AllowedIPs = 10.77.0.2/32
Endpoint = 192.168.77.2:51821
CONF
ip netns exec "$NS_FLINT" "$ROOT/flint" tunnel wireguard "$WORK/flint.conf" --interface "$IF_FLINT" >"$WORK/flint.log" 2>&1 &
PIDS+=($!)

ip netns exec "$NS_GO" env WG_PROCESS_FOREGROUND=1 wireguard-go "$IF_GO" >"$WORK/go.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 100); do [ -S "/var/run/wireguard/$IF_GO.sock" ] && break; sleep 0.1; done
ip netns exec "$NS_GO" wg set "$IF_GO" private-key "$WORK/go.key" listen-port 51821 \
  peer "$(cat "$WORK/flint.pub")" preshared-key "$WORK/psk" allowed-ips 10.77.0.1/32 endpoint 192.168.77.1:51820
ip -n "$NS_GO" addr add 10.77.0.2/24 dev "$IF_GO"
ip -n "$NS_GO" link set "$IF_GO" mtu 1420 up

for _ in $(seq 600); do
  [ -S "/var/run/wireguard/$IF_FLINT.sock" ] && ip -n "$NS_FLINT" link show "$IF_FLINT" >/dev/null 2>&1 && break
  kill -0 "${PIDS[0]}" 2>/dev/null || fail "Flint's tunnel exited before its interface came up"
  sleep 0.1
done
ip -n "$NS_FLINT" link show "$IF_FLINT" >/dev/null 2>&1 || fail "Flint did not bring up $IF_FLINT"
step ok "Flint brought up TUN $IF_FLINT (10.77.0.1) from a wg-quick file; wireguard-go runs $IF_GO (10.77.0.2), with a preshared key"

ok=0
for _ in $(seq 30); do
  ip netns exec "$NS_FLINT" ping -c 1 -W 1 10.77.0.2 >/dev/null 2>&1 && { ok=1; break; }
done
[ $ok -eq 1 ] || fail "no reply through the tunnel from 10.77.0.2"
rtt="$(ip netns exec "$NS_FLINT" ping -c 3 -i 0.2 -q 10.77.0.2 | awk -F/ '/rtt/ { print $5 }')"
step ok "handshake done; ping through the tunnel: 3 of 3 replies, ${rtt} ms average"

show="$(ip netns exec "$NS_FLINT" wg show "$IF_FLINT")" || fail "wg show could not talk to Flint's userspace API"
grep -q 'latest handshake' <<<"$show" || fail "wg show on Flint's interface reports no handshake"
step ok "the standard wg tool reads Flint's interface through its userspace API:"
sed 's/^/        | /' <<<"$show"

ip netns exec "$NS_GO" iperf3 -s -B 10.77.0.2 -D --pidfile "$WORK/iperf.pid"
sleep 0.5
mbits="$(ip netns exec "$NS_FLINT" iperf3 -c 10.77.0.2 -t 4 -f m 2>/dev/null \
  | awk '/receiver/ { for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") v = $(i-1) } END { print v + 0 }')"
kill "$(cat "$WORK/iperf.pid")" 2>/dev/null || true
awk -v m="$mbits" 'BEGIN { exit !(m > 0) }' || fail "iperf3 moved nothing through the tunnel"
step ok "iperf3 through the tunnel for 4 s, Flint to wireguard-go: ${mbits} Mbit/s (cold JIT; see BENCHMARKS.md for warm numbers)"

kill -TERM "${PIDS[0]}"
for _ in $(seq 50); do kill -0 "${PIDS[0]}" 2>/dev/null || break; sleep 0.1; done
if ip -n "$NS_FLINT" link show "$IF_FLINT" >/dev/null 2>&1; then
  fail "Flint left $IF_FLINT behind after SIGTERM"
fi
step ok "SIGTERM: Flint removed $IF_FLINT and its userspace API socket"
