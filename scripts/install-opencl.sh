#!/usr/bin/env bash
# Installs an OpenCL runtime for `--device opencl`, if missing: ocl-icd-libopencl1 (the OpenCL loader,
# libOpenCL.so.1, which NativeCnn finds without the -dev package's libOpenCL.so) and pocl-opencl-icd (PoCL, an OpenCL
# driver that runs on the CPU). ILGPU needs OpenCL C 2.0+ with the generic address space: Debian 12's PoCL 3.1 lacks
# it, so there `nativecnn devices` lists the PoCL device as refused, with the reason, and the OpenCL tests skip; PoCL 5
# and later, and GPU vendors' drivers, are accepted. Not needed for cpu, reference, ilgpu-cpu or cuda (CUDA needs only
# the NVIDIA driver). Safe to run repeatedly; uses sudo when not root.
set -euo pipefail
exec bash "$(dirname "$0")/install-debian-packages.sh" ocl-icd-libopencl1 pocl-opencl-icd
