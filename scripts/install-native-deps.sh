#!/usr/bin/env bash
# Installs the Debian packages NativeCnn loads at run time, if they are missing:
#   libturbojpeg0 (JPEG decoding), libpng16-16 (PNG reading/writing).
# (The OpenCL runtime for --device opencl is scripts/install-opencl.sh.)
# Safe to run repeatedly; uses sudo when not root.
set -euo pipefail

packages=(libturbojpeg0 libpng16-16)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "installing ${missing[*]}" >&2
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
