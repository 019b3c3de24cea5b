#!/usr/bin/env bash
# Renders icons/svg/*.svg to the PNGs the app ships (committed, so the build needs no SVG renderer).
# Reproducible: rsvg-convert (Debian librsvg2-bin) at fixed sizes; run after editing an SVG.
set -euo pipefail
cd "$(dirname "$0")"
out=src/main/resources/dev/flint/icons
mkdir -p "$out"
for svg in svg/*.svg; do
  name=$(basename "$svg" .svg)
  case "$name" in
    logo) sizes="32 64 256" ;;
    status-*) sizes="16 32" ;;
    *) sizes="32 64" ;;
  esac
  for s in $sizes; do
    rsvg-convert --width "$s" --height "$s" --format png "$svg" -o "$out/$name-$s.png"
  done
done
