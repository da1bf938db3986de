#!/usr/bin/env bash
# Installs the Debian packages the OpenCL backend loads at run time, if they are missing:
#   ocl-icd-libopencl1 (the OpenCL loader, libOpenCL.so.1) and pocl-opencl-icd (PoCL, an
#   OpenCL driver that runs kernels on the CPU, so the OpenCL backend is tested without a GPU).
# The CPU path needs nothing native: images are decoded by SixLabors.ImageSharp (managed) and
# charts drawn by ScottPlot through SkiaSharp's self-contained native library from NuGet.
# Safe to run repeatedly; uses sudo when not root.
set -euo pipefail

packages=(ocl-icd-libopencl1 pocl-opencl-icd)
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
