#!/usr/bin/env bash
# Installs the .deb into a clean Debian root and checks it the way a user's machine would see it:
#
#   verify-deb.sh DEB [RPM]
#
#  1. a minimal Debian bookworm root made with debootstrap, cached in /var/cache/flint and used
#     through an overlay so every run starts from the same clean state;
#  2. the package's dependencies installed with apt from the machine's own Debian mirror;
#  3. dpkg -i: every installed file's path, owner and mode checked against the package;
#     the flint-client group created; both launchers run (--version) inside the root;
#  4. systemd-analyze verify on the unit, lintian without errors;
#  5. dpkg --purge: the root is back to exactly what it was before the install;
#  6. with an .rpm: its file list and scripts inspected with rpm -qlp.
# Needs root (chroot, mount). Prints one line per check; exits non-zero on the first failure.
set -euo pipefail

deb="$(realpath "$1")"
rpm_file="${2:+$(realpath "$2")}"
cache="${FLINT_DEBROOT_CACHE:-/var/cache/flint}"
base="$cache/debroot-bookworm"

ok() { printf '  ok   %s\n' "$*"; }
fail() { printf '  FAIL %s\n' "$*" >&2; exit 1; }
step() { printf '%s\n' "$*"; }

[ "$(id -u)" -eq 0 ] || fail "verify-deb.sh needs root (chroot and mounts)"
for tool in debootstrap lintian systemd-analyze dpkg-deb; do
  command -v "$tool" >/dev/null || fail "$tool is missing (apt-get install debootstrap lintian systemd)"
done

# The machine's own Debian mirror, as apt is set up here.
mirror() {
  { grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'
    grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}'; } | grep -v security | head -n1
}

# --- 1. the cached clean root -----------------------------------------------------------------
if [ ! -x "$base/usr/bin/apt-get" ]; then
  step "creating a clean Debian root with debootstrap (once; cached in $base)"
  rm -rf "$base.tmp"
  mkdir -p "$cache"
  debootstrap --variant=minbase bookworm "$base.tmp" "$(mirror)" >"$cache/debootstrap.log" 2>&1 \
    || fail "debootstrap failed; see $cache/debootstrap.log"
  mv "$base.tmp" "$base"
fi

work="$(mktemp -d /tmp/flint-verify.XXXXXX)"
root="$work/root"
mkdir -p "$work/upper" "$work/work" "$root" "$cache/apt-archives/partial"
cleanup() {
  for m in "$root/var/cache/apt/archives" "$root/proc" "$root/dev" "$root"; do
    mountpoint -q "$m" && umount -l "$m"
  done
  rm -rf "$work"
}
trap cleanup EXIT
mount -t overlay overlay -o "lowerdir=$base,upperdir=$work/upper,workdir=$work/work" "$root"
mount --bind /dev "$root/dev"
mount -t proc proc "$root/proc"
mount --bind "$cache/apt-archives" "$root/var/cache/apt/archives"
cp /etc/resolv.conf "$root/etc/resolv.conf" 2>/dev/null || true
cp -r /etc/apt/sources.list.d "$root/etc/apt/" 2>/dev/null || true
[ -f /etc/apt/sources.list ] && cp /etc/apt/sources.list "$root/etc/apt/sources.list"
in_root() { chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }
ok "clean Debian $(cat "$root/etc/debian_version") root at $root"

# --- 2. dependencies --------------------------------------------------------------------------
step "installing the package's dependencies from the Debian mirror"
depends="$(dpkg-deb -f "$deb" Depends | tr -d ' ' | tr ',' ' ')"
in_root apt-get update -qq >"$work/apt.log" 2>&1 || { cat "$work/apt.log" >&2; fail "apt-get update in the root"; }
# shellcheck disable=SC2086
in_root apt-get install -y -qq --no-install-recommends $depends >>"$work/apt.log" 2>&1 \
  || { tail -20 "$work/apt.log" >&2; fail "could not install the dependencies: $depends"; }
ok "dependencies installed: $depends"

snapshot() { # every path in the root with its type, owner and mode, minus dpkg/apt bookkeeping
  (cd "$root" && find . -xdev \( -path ./proc -o -path ./dev -o -path ./var/cache/apt -o -path ./var/lib/apt \
      -o -path ./var/lib/dpkg -o -path ./var/log -o -path ./var/cache/debconf -o -path ./var/cache/ldconfig \
      -o -path ./tmp -o -path ./run \) -prune -o -printf '%p %y %u:%g %m\n' | sort)
}
snapshot >"$work/before"

# --- 3. install and inspect -------------------------------------------------------------------
step "installing $(basename "$deb")"
cp "$deb" "$root/tmp/flint.deb"
in_root dpkg -i /tmp/flint.deb >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log" >&2; fail "dpkg -i"; }
ok "dpkg -i succeeded"
sed 's/^/       | /' "$work/dpkg.log"

# Every file of the package is installed with the package's path, owner and mode.
checked=0
while read -r perms owner _ _ _ path rest; do
  path="${path#.}"
  [ -z "$path" ] || [ "$path" = "/" ] && continue
  path="${path%/}"
  target="$root$path"
  [ -e "$target" ] || [ -L "$target" ] || fail "$path is in the package but not installed"
  actual_owner="$(stat -c '%U/%G' "$target")"
  [ "$actual_owner" = "$owner" ] || fail "$path is owned by $actual_owner, the package says $owner"
  if [ ! -L "$target" ]; then
    actual_mode="$(stat -c '%A' "$target")"
    [ "$actual_mode" = "$perms" ] || fail "$path has mode $actual_mode, the package says $perms"
    case "$perms" in
      ?????w????|????????w?) fail "$path is writable by group or others ($perms)" ;;
    esac
  fi
  checked=$((checked + 1))
done < <(dpkg-deb -c "$deb")
ok "$checked installed paths match the package's owner and mode, none group- or world-writable"

expect_file() { # path mode
  [ -e "$root$1" ] || fail "$1 is missing"
  [ "$(stat -c '%a %U:%G' "$root$1")" = "$2 root:root" ] || fail "$1 should be $2 root:root, is $(stat -c '%a %U:%G' "$root$1")"
}
expect_file /usr/lib/systemd/system/flint-tunnel.service 644
expect_file /usr/lib/sysusers.d/flint-client.conf 644
expect_file /usr/share/applications/dev.flint.client.desktop 644
expect_file /usr/share/applications/dev.flint.client-deep-link.desktop 644
expect_file /usr/share/metainfo/dev.flint.client.metainfo.xml 644
expect_file /usr/share/doc/flint/copyright 644
for size in 16 22 24 32 48 64 128 256 512; do
  expect_file "/usr/share/icons/hicolor/${size}x${size}/apps/dev.flint.client.png" 644
done
expect_file /usr/share/icons/hicolor/scalable/apps/dev.flint.client.svg 644
expect_file /usr/lib/flint/bin/flint-gui 755
expect_file /usr/lib/flint/bin/flint-tunnel 755
ok "unit, sysusers entry, desktop entries, AppStream metadata and hicolor icons are in place"
grep -qx 'MimeType=x-scheme-handler/firezone-fd0020211111;' "$root/usr/share/applications/dev.flint.client-deep-link.desktop" \
  || fail "the deep-link handler entry does not claim x-scheme-handler/firezone-fd0020211111"
grep -qx 'NoDisplay=true' "$root/usr/share/applications/dev.flint.client-deep-link.desktop" \
  || fail "the deep-link handler entry is not hidden"
ok "the hidden deep-link handler claims x-scheme-handler/firezone-fd0020211111"

in_root getent group flint-client >/dev/null || fail "the flint-client group was not created"
ok "group flint-client exists"

for launcher in flint-tunnel flint-gui; do
  [ "$(readlink "$root/usr/bin/$launcher")" = "../lib/flint/bin/$launcher" ] || fail "/usr/bin/$launcher is not the launcher link"
  out="$(in_root "$launcher" --version 2>&1)" || fail "$launcher --version failed: $out"
  case "$out" in "$launcher "*) ;; *) fail "$launcher --version printed: $out" ;; esac
  ok "$launcher --version inside the root: $out"
done

# --- 4. unit and lint -------------------------------------------------------------------------
verify_out="$(systemd-analyze verify --root="$root" /usr/lib/systemd/system/flint-tunnel.service 2>&1)" \
  || fail "systemd-analyze verify: $verify_out"
# verify prints warnings about units the minimal root lacks (systemd-resolved); the unit itself must be clean.
if grep -i 'flint-tunnel.service' <<<"$verify_out" | grep -v 'resolved' | grep -q .; then
  fail "systemd-analyze verify flagged the unit: $verify_out"
fi
ok "systemd-analyze verify: the unit is clean"

lint="$(lintian --tag-display-limit 0 "$deb" 2>&1 | grep -v 'running with root privileges' || true)"
if grep -q '^E:' <<<"$lint"; then
  fail "lintian errors: $(grep '^E:' <<<"$lint")"
fi
ok "lintian: no errors ($(grep -c '^W:' <<<"$lint" || true) warnings)"
[ -n "$lint" ] && sed 's/^/       | /' <<<"$lint"

# --- 5. purge ---------------------------------------------------------------------------------
step "purging"
in_root dpkg --purge flint >"$work/purge.log" 2>&1 || { cat "$work/purge.log" >&2; fail "dpkg --purge"; }
in_root getent group flint-client >/dev/null && fail "the flint-client group is still there after purge"
snapshot >"$work/after"
if ! diff -u "$work/before" "$work/after" >"$work/diff"; then
  sed 's/^/       | /' "$work/diff" | head -40 >&2
  fail "purge left the root different from before the install"
fi
ok "purge removed the group and left the root exactly as before the install"

# --- 6. rpm -----------------------------------------------------------------------------------
if [ -n "$rpm_file" ]; then
  command -v rpm >/dev/null || fail "rpm is missing (apt-get install rpm)"
  files="$(rpm -qlp "$rpm_file" 2>/dev/null)"
  for path in /usr/bin/flint-gui /usr/bin/flint-tunnel /usr/lib/systemd/system/flint-tunnel.service \
              /usr/lib/sysusers.d/flint-client.conf /usr/share/applications/dev.flint.client-deep-link.desktop \
              /usr/share/metainfo/dev.flint.client.metainfo.xml /usr/lib/flint/bin/flint-tunnel; do
    grep -qx "$path" <<<"$files" || fail "the .rpm lacks $path"
  done
  scripts="$(rpm -qp --scripts "$rpm_file" 2>/dev/null)"
  grep -q 'systemd-sysusers' <<<"$scripts" || fail "the .rpm's %post does not create the group"
  grep -q 'disable --now flint-tunnel' <<<"$scripts" || fail "the .rpm's %preun does not stop the service"
  ok "rpm -qlp: $(wc -l <<<"$files") paths including launchers, unit, sysusers and desktop entries; scripts create the group and stop the service"
fi
step "the package verified cleanly"
