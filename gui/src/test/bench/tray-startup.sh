#!/usr/bin/env bash
# GUI cold start to tray icon, and RSS once idle, on this machine (BENCHMARKS.md).
# Usage: gui/src/test/bench/tray-startup.sh RUNS [JAVA OPTIONS...]   (after ./flint build; needs xvfb, dbus, python3-dbus)
#   AOT_CACHE=FILE  use the JDK 25 AOT cache FILE; if it does not exist, a training run under the same conditions
#                   (same display, bus and watcher; 15 s, then SIGTERM) creates it first.
# "Tray icon" = the moment the GUI calls RegisterStatusNotifierItem on the StatusNotifierWatcher (a host draws the
# icon from then on); start = just before the JVM is exec'd. Each run is a new JVM with a fresh data directory.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
RUNS="${1:-5}"; shift || true
JAVA="${JAVA_HOME:?set JAVA_HOME to a JDK 25}/bin/java"
WORK="$(mktemp -d)"
DISPLAY_NUMBER=$((100 + RANDOM % 100))
cleanup() { for pid in $(cat "$WORK"/*.pid 2>/dev/null); do kill "$pid" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

Xvfb ":$DISPLAY_NUMBER" -screen 0 1280x800x24 -nolisten tcp >"$WORK/xvfb.log" 2>&1 & echo $! >"$WORK/xvfb.pid"
dbus-daemon --session --nofork --nopidfile --address="unix:path=$WORK/bus" >"$WORK/bus.log" 2>&1 & echo $! >"$WORK/bus.pid"
export DISPLAY=":$DISPLAY_NUMBER" DBUS_SESSION_BUS_ADDRESS="unix:path=$WORK/bus"
for _ in $(seq 100); do [ -S "$WORK/bus" ] && [ -S "/tmp/.X11-unix/X$DISPLAY_NUMBER" ] && break; sleep 0.05; done

# A StatusNotifierWatcher that prints the wall-clock nanoseconds of each registration.
/usr/bin/python3 - "$WORK/registrations" <<'PY' & echo $! >"$WORK/watcher.pid"
import sys, time, dbus, dbus.service, dbus.mainloop.glib
from gi.repository import GLib
dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
out = open(sys.argv[1], "a", buffering=1)
class Watcher(dbus.service.Object):
    @dbus.service.method("org.kde.StatusNotifierWatcher", in_signature="s")
    def RegisterStatusNotifierItem(self, service):
        out.write("%d\n" % time.time_ns())
    @dbus.service.method("org.kde.StatusNotifierWatcher", in_signature="s")
    def RegisterStatusNotifierHost(self, service):
        pass
bus = dbus.SessionBus()
name = dbus.service.BusName("org.kde.StatusNotifierWatcher", bus)
Watcher(bus, "/StatusNotifierWatcher")
GLib.MainLoop().run()
PY
for _ in $(seq 100); do
  dbus-send --session --dest=org.freedesktop.DBus --print-reply /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
    string:org.kde.StatusNotifierWatcher 2>/dev/null | grep -q "boolean true" && break; sleep 0.05
done

JAR="$(ls "$ROOT"/gui/target/flint-gui-*.jar | grep -v tests | head -n1)"
touch "$WORK/registrations"
gui_java() { # gui_java LOG JAVA-OPTIONS...: starts the GUI in the background, its pid in $gui
  local log="$1"; shift
  FLINT_GUI_DATA_DIR="$WORK/data-$RANDOM" FLINT_TUNNEL_SOCKET="$WORK/no-service.sock" "$JAVA" "$@" \
    --enable-native-access=com.sun.jna,dev.flint.ipc,javafx.graphics,dev.flint.gui \
    --module-path "$JAR:$ROOT/gui/target/lib" --add-modules ALL-MODULE-PATH \
    --module dev.flint.gui/dev.flint.gui.FlintGui --no-deep-links >"$log" 2>&1 &
  gui=$!; echo $gui >"$WORK/gui.pid"
}
if [ -n "${AOT_CACHE:-}" ]; then
  if [ ! -f "$AOT_CACHE" ]; then
    gui_java "$WORK/training.log" "$@" -XX:AOTCacheOutput="$AOT_CACHE"
    sleep 15; kill "$gui"; wait "$gui" 2>/dev/null || true
    [ -f "$AOT_CACHE" ] || { echo "no AOT cache was written: $(tail -n3 "$WORK/training.log")"; exit 1; }
    echo "trained $AOT_CACHE ($(du -h "$AOT_CACHE" | cut -f1))"
  fi
  set -- "$@" -XX:AOTCache="$AOT_CACHE"
fi
for run in $(seq "$RUNS"); do
  before=$(wc -l <"$WORK/registrations")
  start=$(date +%s%N)
  gui_java "$WORK/gui-$run.log" "$@"
  for _ in $(seq 600); do [ "$(wc -l <"$WORK/registrations")" -gt "$before" ] && break; sleep 0.01; done
  at=$(tail -n1 "$WORK/registrations")
  # CPU the GUI had used by then (user + system, all threads): what an idle machine needs, whatever the load now.
  ticks=$(awk '{print $14 + $15}' "/proc/$gui/stat")
  sleep "${IDLE_SECONDS:-20}"
  rss=$(awk '/VmRSS/ {print $2}' "/proc/$gui/status")
  printf 'run %d: tray icon after %d ms (CPU used by then %d ms), RSS after %ss idle %d MiB\n' "$run" \
    $(( (at - start) / 1000000 )) $(( ticks * 1000 / $(getconf CLK_TCK) )) "${IDLE_SECONDS:-20}" $(( rss / 1024 ))
  kill "$gui"; wait "$gui" 2>/dev/null || true
done
