#!/usr/bin/env bash
# Installs the Debian packages that OpenCV's native library (libOpenCvSharpExtern.so from the NuGet
# package OpenCvSharp4.official.runtime.linux-x64 4.13) loads, if they are missing. It is linked
# against GTK 3 (for OpenCV's highgui windows, which nativecnn does not open), FreeType, HarfBuzz,
# libdrm, libatomic and X11; Debian 12 with only the .NET SDK lacks most of them. FFmpeg, libjpeg,
# libpng, libtiff and libwebp are inside the library itself. The Haar cascade ships with nativecnn.
# Needed only for `nativecnn predict --detect-faces`; safe to run repeatedly; uses sudo when not root.
set -euo pipefail
exec bash "$(dirname "$0")/install-debian-packages.sh" libgtk-3-0 libfreetype6 libharfbuzz0b libdrm2 libatomic1 libx11-6
