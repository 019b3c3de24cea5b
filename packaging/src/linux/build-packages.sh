#!/usr/bin/env bash
# Builds flint_<version>_amd64.deb and flint-<version>.x86_64.rpm from the jpackage app image.
#
#   build-packages.sh APP_IMAGE_DIR VERSION OUT_DIR
#
# Both packages hold the same tree, staged once here:
#   /usr/lib/flint/                      the app image (launchers, jlinked runtime, app modules)
#   /usr/bin/flint-gui, flint-tunnel     symlinks to its launchers, so both are on PATH
#   /usr/lib/systemd/system/             flint-tunnel.service
#   /usr/lib/sysusers.d/flint-client.conf
#   /usr/share/applications/             the menu entry and the hidden deep-link handler
#   /usr/share/icons/hicolor/            the app icon at every size, and its SVG
#   /usr/share/metainfo/                 AppStream metadata
#   /usr/share/doc/flint/                copyright and changelog
set -euo pipefail

app_image="$(cd "$1" && pwd)"
version="$2"
out="$3"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
icons="$repo/icons/src/main/resources/dev/flint/icons"

mkdir -p "$out"
out="$(cd "$out" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/root"

say() { printf 'package: %s\n' "$*" >&2; }

# --- the staged tree -------------------------------------------------------------------------
say "staging the file tree"
install -d -m 755 "$root/usr/lib" "$root/usr/bin"
cp -a "$app_image" "$root/usr/lib/flint"
ln -s ../lib/flint/bin/flint-gui "$root/usr/bin/flint-gui"
ln -s ../lib/flint/bin/flint-tunnel "$root/usr/bin/flint-tunnel"
install -D -m 644 "$here/flint-tunnel.service" "$root/usr/lib/systemd/system/flint-tunnel.service"
install -D -m 644 "$here/flint-client.sysusers.conf" "$root/usr/lib/sysusers.d/flint-client.conf"
install -D -m 644 "$here/dev.flint.client.desktop" "$root/usr/share/applications/dev.flint.client.desktop"
install -D -m 644 "$here/dev.flint.client-deep-link.desktop" \
  "$root/usr/share/applications/dev.flint.client-deep-link.desktop"
install -D -m 644 "$here/dev.flint.client.metainfo.xml" "$root/usr/share/metainfo/dev.flint.client.metainfo.xml"
for dir in "$icons"/*x*/; do
  size="$(basename "$dir")"
  install -D -m 644 "$dir/dev.flint.client.png" "$root/usr/share/icons/hicolor/$size/apps/dev.flint.client.png"
done
install -D -m 644 "$repo/icons/src/svg/dev.flint.client.svg" \
  "$root/usr/share/icons/hicolor/scalable/apps/dev.flint.client.svg"
install -D -m 644 "$here/debian/copyright" "$root/usr/share/doc/flint/copyright"
install -D -m 644 "$here/debian/lintian-overrides" "$root/usr/share/lintian/overrides/flint"
printf 'flint (%s) unstable; urgency=medium\n\n  * Release %s.\n\n -- Flint developers <packaging@flint.dev>  %s\n' \
  "$version" "$version" "$(date -R -d @"${SOURCE_DATE_EPOCH:-$(date +%s)}")" \
  | gzip -9n > "$root/usr/share/doc/flint/changelog.gz"
chmod 644 "$root/usr/share/doc/flint/changelog.gz"
# jpackage leaves group-writable bits on some files; packages want 755/644 owned by root.
find "$root" -type d -exec chmod 755 {} +
find "$root" -type f -perm /111 -exec chmod 755 {} +
find "$root" -type f ! -perm /111 -exec chmod 644 {} +

# --- .deb ------------------------------------------------------------------------------------
say "building the .deb"
deb_root="$work/deb"
cp -a "$root" "$deb_root"
install -d -m 755 "$deb_root/DEBIAN"
installed_size="$(du -sk --exclude=DEBIAN "$deb_root" | cut -f1)"
sed -e "s/@VERSION@/$version/" -e "s/@INSTALLED_SIZE@/$installed_size/" "$here/debian/control.in" \
  > "$deb_root/DEBIAN/control"
for script in postinst prerm postrm; do
  install -m 755 "$here/debian/$script" "$deb_root/DEBIAN/$script"
done
(cd "$deb_root" && find usr -type f -exec md5sum {} + | sort -k2 > DEBIAN/md5sums)
chmod 644 "$deb_root/DEBIAN/control" "$deb_root/DEBIAN/md5sums"
deb="$out/flint_${version}_amd64.deb"
dpkg-deb --root-owner-group -Zgzip -z6 --build "$deb_root" "$deb" >/dev/null
say "built $deb ($(du -h "$deb" | cut -f1))"

# --- .rpm ------------------------------------------------------------------------------------
if command -v rpmbuild >/dev/null; then
  say "building the .rpm"
  rpm_top="$work/rpmbuild"
  mkdir -p "$rpm_top"/{BUILD,RPMS,SPECS,SRPMS,SOURCES}
  sed -e "s/@VERSION@/$version/" "$here/rpm/flint.spec.in" > "$rpm_top/SPECS/flint.spec"
  # The spec installs the staged tree as it is; the scripts are shared with the .deb in spirit but
  # follow rpm's argument conventions ($1 counts installed versions).
  rpmbuild --quiet -bb "$rpm_top/SPECS/flint.spec" \
    --define "_topdir $rpm_top" --define "flint_root $root" \
    --define "_binary_payload w6.gzdio" --define "_build_id_links none" --define "__os_install_post %{nil}" --define "debug_package %{nil}" \
    >/dev/null
  cp "$rpm_top"/RPMS/x86_64/flint-"$version"-1.x86_64.rpm "$out/"
  say "built $out/flint-$version-1.x86_64.rpm ($(du -h "$out/flint-$version-1.x86_64.rpm" | cut -f1))"
else
  say "rpmbuild is not installed: no .rpm (apt-get install rpm)"
fi
