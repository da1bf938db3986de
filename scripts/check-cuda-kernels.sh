#!/usr/bin/env bash
# Checks, without a GPU or the CUDA toolkit, that the shared OpenCL C kernels still compile as
# CUDA C++ behind engine/Devices/Gpu/Kernels/cuda_compat.h: clang in CUDA device-only mode
# parses and type-checks them (float and double builds) and emits PTX, with stand-in
# declarations for the few built-ins NVRTC provides. Needs clang (e.g. Debian clang-15).
# This proves the translation is valid CUDA, not that the kernels run right on a GPU.
set -euo pipefail
cd "$(dirname "$0")/.."
clang=$(command -v clang-15 || command -v clang || true)
[ -n "$clang" ] || { echo "clang not found (apt-get install clang-15)"; exit 1; }
kernels=engine/Devices/Gpu/Kernels
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat > "$work/nvrtc_builtins.h" <<'H'
#include <__clang_cuda_builtin_vars.h>
#define __device__ __attribute__((device))
#define __global__ __attribute__((global))
#define __shared__ __attribute__((shared))
__device__ void __syncthreads();
__device__ unsigned int __umulhi(unsigned int, unsigned int);
__device__ float exp(float); __device__ double exp(double);
__device__ float log(float); __device__ double log(double);
__device__ float sqrt(float); __device__ double sqrt(double);
__device__ float fmax(float, float); __device__ double fmax(double, double);
__device__ float fma(float, float, float); __device__ double fma(double, double, double);
__device__ int min(int, int);
H

# Same order as GpuKernelSource.Files: the compatibility header, common.cl, then the rest.
cat "$kernels/cuda_compat.h" "$kernels/common.cl" > "$work/kernels.cu"
for f in "$kernels"/*.cl; do [ "$(basename "$f")" = common.cl ] || cat "$f" >> "$work/kernels.cu"; done

for define in "" "-DNATIVECNN_REAL_DOUBLE"; do
  "$clang" -x cuda --cuda-device-only -nocudainc -nocudalib --cuda-gpu-arch=sm_70 -Wall -Werror \
    -include "$work/nvrtc_builtins.h" $define -S -o "$work/kernels.ptx" "$work/kernels.cu"
  echo "CUDA translation OK${define:+ ($define)}: $(grep -c '\.entry' "$work/kernels.ptx") kernels"
done
