// Memory-bound element-wise kernels: one work-item per element, guarded against the padding
// the host adds to round the global size up to whole work-groups.

__kernel void fill_real(__global real* x, const real value, const int n)
{
    const int i = get_global_id(0);
    if (i < n) x[i] = value;
}

__kernel void fill_int(__global int* x, const int value, const int n)
{
    const int i = get_global_id(0);
    if (i < n) x[i] = value;
}

// Copies 32-bit words, so one kernel copies float, double and int tensors alike.
__kernel void copy_words(__global const uint* source, __global uint* destination, const int words)
{
    const int i = get_global_id(0);
    if (i < words) destination[i] = source[i];
}

__kernel void relu_forward(__global const real* x, __global real* y, const int n)
{
    const int i = get_global_id(0);
    if (i < n) y[i] = x[i] > (real)0 ? x[i] : (real)0;
}

// dx = dy where y > 0: reads the output, so an in-place ReLU still has what it needs.
__kernel void relu_backward(__global const real* y, __global const real* dy, __global real* dx, const int n)
{
    const int i = get_global_id(0);
    if (i < n) dx[i] = y[i] > (real)0 ? dy[i] : (real)0;
}

// z = x * y element-wise (the dropout backward pass: dx = dy * mask).
__kernel void multiply(__global const real* x, __global const real* y, __global real* z, const int n)
{
    const int i = get_global_id(0);
    if (i < n) z[i] = x[i] * y[i];
}

// y[row, j] += bias[j] for y [rows, features].
__kernel void add_row_bias(__global real* y, __global const real* bias, const int features, const int n)
{
    const int i = get_global_id(0);
    if (i < n) y[i] += bias[i % features];
}

// y += alpha * x (BLAS axpy), with fma so it rounds once per element exactly like the CPU kernel.
__kernel void add_scaled(__global real* y, __global const real* x, const real alpha, const int n)
{
    const int i = get_global_id(0);
    if (i < n) y[i] = fma(alpha, x[i], y[i]);
}
