// Shared definitions for every NativeCnn kernel. The host compiles the kernels twice per
// device: once with real = float (training) and once with real = double (NATIVECNN_REAL_DOUBLE,
// float64 gradient checks), where the device supports it.
#ifndef NATIVECNN_CUDA
#define LOCAL_PTR __local
#define DEVICE_FN
#endif

#ifdef NATIVECNN_REAL_DOUBLE
#ifndef NATIVECNN_CUDA
#pragma OPENCL EXTENSION cl_khr_fp64 : enable
#endif
typedef double real;
#else
typedef float real;
#endif

// Work-group size of the per-channel and whole-tensor reductions (the host launches exactly this many work-items per group).
#define REDUCE_SIZE 256

// Sum of one value per work-item over the work-group, returned to every work-item.
// scratch must hold REDUCE_SIZE reals; every work-item of the group must call this (it has barriers).
DEVICE_FN real group_sum(LOCAL_PTR real* scratch, real value)
{
    const int lid = get_local_id(0);
    scratch[lid] = value;
    barrier(CLK_LOCAL_MEM_FENCE);
    for (int stride = REDUCE_SIZE / 2; stride > 0; stride /= 2)
    {
        if (lid < stride) scratch[lid] += scratch[lid + stride];
        barrier(CLK_LOCAL_MEM_FENCE);
    }
    real total = scratch[0];
    // Keep scratch[0] alive until everyone has read it, so the group may call again.
    barrier(CLK_LOCAL_MEM_FENCE);
    return total;
}
