#!/usr/bin/env bash
# Renders every icon source in src/svg to the PNG sizes it is used at, plus the app icon's .ico
# (Windows) and .icns (macOS). The outputs are committed, so a build needs no SVG renderer;
# IconTest re-runs this script and checks the committed files still match their sources.
#   render.sh [OUT_DIR]      (default: the module's resources)
# Needs: rsvg-convert (librsvg2-bin), icotool (icoutils), png2icns (icnsutils).
set -euo pipefail
cd "$(dirname "$0")"
out="${1:-src/main/resources/dev/flint/icons}"
for tool in rsvg-convert icotool png2icns; do
  command -v "$tool" >/dev/null || { echo "render.sh: $tool is missing (apt-get install librsvg2-bin icoutils icnsutils)" >&2; exit 1; }
done
mkdir -p "$out"
app=dev.flint.client
for svg in src/svg/*.svg; do
  name="$(basename "$svg" .svg)"
  case "$name" in
    "$app") sizes="16 22 24 32 48 64 128 256 512" ;;  # the hicolor theme's sizes, for menus and installers
    logo) sizes="32 64 256" ;;
    status-*) sizes="16 32" ;;                        # the coloured dots beside sites
    *) sizes="32 64" ;;                               # tray icon and its layers, 1x and 2x
  esac
  for size in $sizes; do
    rsvg-convert --width "$size" --height "$size" --format png "$svg" -o "$out/$name-$size.png"
  done
done
icotool --create --output "$out/$app.ico" "$out/$app"-{16,24,32,48,64,128,256}.png
png2icns "$out/$app.icns" "$out/$app"-{16,32,48,128,256,512}.png >/dev/null
