#!/usr/bin/env bash
# iperf3 TCP throughput through a WireGuard tunnel between two network namespaces, for
# Flint<->Flint, Flint<->wireguard-go and wireguard-go<->wireguard-go, in one run on one topology.
# Prints a table (Mbit/s, both directions) and the Flint<->Flint : wireguard-go<->wireguard-go ratio.
#
# Usage (as root): tunnel-service/bench/iperf-tunnel.sh [SECONDS [ROUNDS]]
#   SECONDS per direction (default 10), ROUNDS of all three pairs (default 2; the table shows the mean).
# Each pair first runs WARMUP unmeasured seconds (default 20, half each way), so both are measured
# warm: Flint's JIT needs that long to compile its data path on a busy 2-core machine.
# Needs: iperf3, wireguard-go, wireguard-tools, iproute2; builds Flint through ./flint if needed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
SECONDS_PER_RUN="${1:-10}"
ROUNDS="${2:-2}"
WARMUP="${WARMUP:-20}"
TAG="fb$(printf '%04x' $((RANDOM % 65536)))"
NS_L="$TAG-l"
NS_R="$TAG-r"
IF_L="${TAG}l"
IF_R="${TAG}r"
WORK="$(mktemp -d /tmp/flint-iperf.XXXXXX)"
PIDS=()

die() { printf 'iperf-tunnel: %s\n' "$*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "run me as root (network namespaces and TUN devices need it)"
for tool in iperf3 wireguard-go wg ip; do
  command -v "$tool" >/dev/null || die "$tool is missing (apt-get install -y iperf3 wireguard-go wireguard-tools iproute2)"
done

stop_sides() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  PIDS=()
  rm -f "/var/run/wireguard/$IF_L.sock" "/var/run/wireguard/$IF_R.sock"
}

cleanup() {
  stop_sides
  ip netns pids "$NS_L" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
  ip netns pids "$NS_R" 2>/dev/null | xargs -r kill -KILL 2>/dev/null || true
  ip netns del "$NS_L" 2>/dev/null || true
  ip netns del "$NS_R" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

# Flint is run exactly as users run it; make sure it is built before the clock starts.
"$ROOT/flint" build >/dev/null 2>&1 || true
[ -f "$ROOT/.flint/build-stamp" ] || die "building Flint failed (see $ROOT/.flint/build.log)"

ip netns add "$NS_L"
ip netns add "$NS_R"
ip -n "$NS_L" link set lo up
ip -n "$NS_R" link set lo up
ip link add veth0 netns "$NS_L" type veth peer name veth0 netns "$NS_R"
ip -n "$NS_L" addr add 192.168.91.1/24 dev veth0
ip -n "$NS_R" addr add 192.168.91.2/24 dev veth0
ip -n "$NS_L" link set veth0 up
ip -n "$NS_R" link set veth0 up

umask 077
wg genkey >"$WORK/l.key"; wg pubkey <"$WORK/l.key" >"$WORK/l.pub"
wg genkey >"$WORK/r.key"; wg pubkey <"$WORK/r.key" >"$WORK/r.pub"

# start_side KIND NS IF SELF OTHER ADDR PEER_ADDR PORT PEER_PORT PEER_IP
start_side() {
  local kind="$1" ns="$2" ifname="$3" self="$4" other="$5" addr="$6" peer_addr="$7" port="$8" peer_port="$9" peer_ip="${10}"
  if [ "$kind" = flint ]; then
    cat >"$WORK/$ifname.conf" <<CONF
[Interface]
PrivateKey = $(cat "$WORK/$self.key")
Address = $addr/24
ListenPort = $port
MTU = 1420

[Peer]
PublicKey = $(cat "$WORK/$other.pub")
AllowedIPs = $peer_addr/32
Endpoint = $peer_ip:$peer_port
CONF
    ip netns exec "$ns" \
      "$ROOT/flint" tunnel wireguard "$WORK/$ifname.conf" --interface "$ifname" >"$WORK/$ifname.log" 2>&1 &
    PIDS+=($!)
  else
    ip netns exec "$ns" env WG_PROCESS_FOREGROUND=1 wireguard-go "$ifname" >"$WORK/$ifname.log" 2>&1 &
    PIDS+=($!)
    for _ in $(seq 100); do [ -S "/var/run/wireguard/$ifname.sock" ] && break; sleep 0.1; done
    ip netns exec "$ns" wg set "$ifname" private-key "$WORK/$self.key" listen-port "$port" \
      peer "$(cat "$WORK/$other.pub")" allowed-ips "$peer_addr/32" endpoint "$peer_ip:$peer_port"
    ip -n "$ns" addr add "$addr/24" dev "$ifname"
    ip -n "$ns" link set "$ifname" mtu 1420 up
  fi
  for _ in $(seq 600); do [ -S "/var/run/wireguard/$ifname.sock" ] && ip -n "$ns" link show "$ifname" >/dev/null 2>&1 && return 0; sleep 0.1; done
  cat "$WORK/$ifname.log" >&2
  die "$kind did not bring up $ifname"
}

# measure CLIENT_NS SERVER_IP [-R]: Mbit/s received, from iperf3's receiver summary
measure() {
  local out
  out="$(ip netns exec "$1" iperf3 -c "$2" -t "$SECONDS_PER_RUN" -f m ${3:-} 2>&1)" || { echo "$out" >&2; echo 0; return; }
  echo "$out" | awk '/receiver/ { for (i = 1; i <= NF; i++) if ($i == "Mbits/sec") v = $(i-1) } END { print v + 0 }'
}

declare -A RESULT
run_pair() {
  local left="$1" right="$2"
  start_side "$left" "$NS_L" "$IF_L" l r 10.91.0.1 10.91.0.2 51820 51821 192.168.91.2
  start_side "$right" "$NS_R" "$IF_R" r l 10.91.0.2 10.91.0.1 51821 51820 192.168.91.1
  local ok=0
  for _ in $(seq 30); do ip netns exec "$NS_L" ping -c 1 -W 1 10.91.0.2 >/dev/null 2>&1 && { ok=1; break; }; done
  [ $ok -eq 1 ] || { cat "$WORK"/*.log >&2; die "no tunnel between $left and $right"; }
  ip netns exec "$NS_R" iperf3 -s -B 10.91.0.2 -D --pidfile "$WORK/iperf.pid"
  sleep 0.5
  ip netns exec "$NS_L" iperf3 -c 10.91.0.2 -t "$((WARMUP / 2))" >/dev/null 2>&1 || true
  ip netns exec "$NS_L" iperf3 -c 10.91.0.2 -t "$((WARMUP / 2))" -R >/dev/null 2>&1 || true
  local lr rl
  lr="$(measure "$NS_L" 10.91.0.2)"
  rl="$(measure "$NS_L" 10.91.0.2 -R)"
  printf '  round %s  %-6s <-> %-6s  %8s Mbit/s  %8s Mbit/s\n' "$round" "$left" "$right" "$lr" "$rl"
  RESULT["$left-$right-lr"]="$(awk -v a="${RESULT[$left-$right-lr]:-0}" -v b="$lr" -v n="$ROUNDS" 'BEGIN { print a + b / n }')"
  RESULT["$left-$right-rl"]="$(awk -v a="${RESULT[$left-$right-rl]:-0}" -v b="$rl" -v n="$ROUNDS" 'BEGIN { print a + b / n }')"
  kill "$(cat "$WORK/iperf.pid")" 2>/dev/null || true
  stop_sides
  sleep 1
}

printf 'iperf3 TCP, %s s per direction after %s s warm-up, MTU 1420, %s CPUs (%s), kernel %s\n' \
  "$SECONDS_PER_RUN" "$WARMUP" "$(nproc)" "$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)" "$(uname -r)"
printf 'load average before: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq "$ROUNDS"); do
  run_pair go go
  run_pair flint go
  run_pair flint flint
done

printf '\nmean of %s rounds:\n%-30s %14s %14s\n' "$ROUNDS" "pair (left <-> right)" "left->right" "right->left"
printf '%-30s %14s %14s\n' "wireguard-go <-> wireguard-go" "${RESULT[go-go-lr]} Mbit/s" "${RESULT[go-go-rl]} Mbit/s"
printf '%-30s %14s %14s\n' "Flint <-> wireguard-go" "${RESULT[flint-go-lr]} Mbit/s" "${RESULT[flint-go-rl]} Mbit/s"
printf '%-30s %14s %14s\n' "Flint <-> Flint" "${RESULT[flint-flint-lr]} Mbit/s" "${RESULT[flint-flint-rl]} Mbit/s"
awk -v f="${RESULT[flint-flint-lr]}" -v g="${RESULT[go-go-lr]}" -v f2="${RESULT[flint-flint-rl]}" -v g2="${RESULT[go-go-rl]}" \
  'BEGIN { if (g > 0 && g2 > 0) printf "\nratio Flint<->Flint / wireguard-go<->wireguard-go: %.2f (left->right), %.2f (right->left)\n", f / g, f2 / g2 }'
printf 'load average after: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
