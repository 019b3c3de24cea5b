#!/usr/bin/env bash
# Renders every icon source in src/svg to the PNG sizes the platforms need, plus the app icon's
# .ico (Windows) and .icns (macOS). The outputs are committed; IconsRenderTest re-runs this and
# checks the committed files still match their sources.
# Needs: rsvg-convert (librsvg2-bin), icotool (icoutils), png2icns (icnsutils).
set -euo pipefail
cd "$(dirname "$0")"
out="${1:-src/main/resources/dev/flint/icons}"
sizes=(16 22 24 32 48 64 128 256 512)
for tool in rsvg-convert icotool png2icns; do
  command -v "$tool" >/dev/null || { echo "render.sh: $tool is missing (apt-get install librsvg2-bin icoutils icnsutils)" >&2; exit 1; }
done
for svg in src/svg/*.svg; do
  name="$(basename "$svg" .svg)"
  for size in "${sizes[@]}"; do
    mkdir -p "$out/${size}x${size}"
    rsvg-convert --width "$size" --height "$size" --keep-aspect-ratio "$svg" -o "$out/${size}x${size}/$name.png"
  done
done
app=dev.flint.client
icotool --create --output "$out/$app.ico" "$out"/{16x16,24x24,32x32,48x48,64x64,128x128,256x256}/$app.png
png2icns "$out/$app.icns" "$out"/{16x16,32x32,48x48,128x128,256x256,512x512}/$app.png >/dev/null
