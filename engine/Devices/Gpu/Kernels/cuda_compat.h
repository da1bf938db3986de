// Maps the OpenCL C 1.2 used by NativeCnn's kernels onto CUDA C++ so NVRTC compiles the same
// source (the technique of CLBlast's opencl_to_cuda.h). Prepended to the kernels for CUDA only.
#define NATIVECNN_CUDA 1

// Address spaces and function qualifiers.
#define __kernel extern "C" __global__
#define __global
#define __local __shared__
#define __private
#define __constant const
#define LOCAL_PTR
#define DEVICE_FN __device__

// Scalar type names OpenCL has built in.
#define uint unsigned int
#define ulong unsigned long long

// Work-item functions: one dimension per grid axis.
#define CLK_LOCAL_MEM_FENCE 1
#define CLK_GLOBAL_MEM_FENCE 2
#define barrier(flags) __syncthreads()
__device__ inline int get_local_id(int d) { return d == 0 ? threadIdx.x : d == 1 ? threadIdx.y : threadIdx.z; }
__device__ inline int get_group_id(int d) { return d == 0 ? blockIdx.x : d == 1 ? blockIdx.y : blockIdx.z; }
__device__ inline int get_local_size(int d) { return d == 0 ? blockDim.x : d == 1 ? blockDim.y : blockDim.z; }
__device__ inline int get_num_groups(int d) { return d == 0 ? gridDim.x : d == 1 ? gridDim.y : gridDim.z; }
__device__ inline int get_global_id(int d) { return get_group_id(d) * get_local_size(d) + get_local_id(d); }
__device__ inline int get_global_size(int d) { return get_num_groups(d) * get_local_size(d); }

// Built-ins with other CUDA names.
#define mul_hi(a, b) __umulhi(a, b)
