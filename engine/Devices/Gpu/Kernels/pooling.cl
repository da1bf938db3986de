// Max pooling with 'valid' windows over [N*C planes, H, W]. The forward pass records the flat
// H*W index of each window's winner (the first maximum on ties, as TensorFlow and the CPU do).
#define POOL_GEOMETRY const int planes, const int height, const int width, const int poolHeight, const int poolWidth, \
                      const int strideHeight, const int strideWidth, const int outHeight, const int outWidth

// One work-item per output element.
__kernel void maxpool_forward(__global const real* x, __global real* y, __global int* argmax, POOL_GEOMETRY)
{
    const int idx = get_global_id(0);
    if (idx >= planes * outHeight * outWidth) return;
    const int j = idx % outWidth, i = (idx / outWidth) % outHeight, plane = idx / (outWidth * outHeight);
    __global const real* src = x + plane * height * width;
    int best = i * strideHeight * width + j * strideWidth;
    real bestValue = src[best];
    for (int p = 0; p < poolHeight; p++)
        for (int q = 0; q < poolWidth; q++)
        {
            const int at = (i * strideHeight + p) * width + j * strideWidth + q;
            if (src[at] > bestValue) { bestValue = src[at]; best = at; }
        }
    y[idx] = bestValue;
    argmax[idx] = best;
}

// One work-item per input pixel: gathers dy from every window that picked this pixel, in the
// same (row-major window) order as the CPU's scatter, so no atomics are needed and the result
// does not depend on scheduling.
__kernel void maxpool_backward(__global const real* dy, __global const int* argmax, __global real* dx, POOL_GEOMETRY)
{
    const int idx = get_global_id(0);
    if (idx >= planes * height * width) return;
    const int pixel = idx % (height * width), plane = idx / (height * width);
    const int h = pixel / width, w = pixel % width;
    // Windows i with i*sh <= h < i*sh + ph, clipped to the output.
    const int iFirst = h < poolHeight ? 0 : (h - poolHeight) / strideHeight + 1;
    const int iLast = min(h / strideHeight, outHeight - 1);
    const int jFirst = w < poolWidth ? 0 : (w - poolWidth) / strideWidth + 1;
    const int jLast = min(w / strideWidth, outWidth - 1);
    const int outBase = plane * outHeight * outWidth;
    real sum = 0;
    for (int i = iFirst; i <= iLast; i++)
        for (int j = jFirst; j <= jLast; j++)
            if (argmax[outBase + i * outWidth + j] == pixel) sum += dy[outBase + i * outWidth + j];
    dx[idx] = sum;
}
