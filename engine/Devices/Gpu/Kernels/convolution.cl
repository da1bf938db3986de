// Convolution as GEMM over a group of images (see GpuDevice.Conv2DForward/Backward):
// im2col unrolls every receptive field into a column, the GEMM does the arithmetic, and the
// helpers below move between the image layout [images, channels, pixels] and the GEMM's
// channels-first layout [channels, images * pixels].
// Column matrix: [C*KH*KW, images*OH*OW]; row (c, p, q), column (image, i, j).
#define CONV_GEOMETRY const int channels, const int height, const int width, \
                      const int kernelHeight, const int kernelWidth, const int strideHeight, const int strideWidth, \
                      const int padTop, const int padLeft, const int outHeight, const int outWidth

// cols[(c,p,q), (img,i,j)] = x[img, c, i*sh+p-pt, j*sw+q-pl], zero outside the image.
__kernel void im2col(__global const real* x, const int xOffset, const int images, CONV_GEOMETRY, __global real* cols)
{
    const int idx = get_global_id(0);
    const int outPixels = outHeight * outWidth, columns = images * outPixels;
    if (idx >= channels * kernelHeight * kernelWidth * columns) return;
    const int r = idx / columns, column = idx % columns;
    const int q = r % kernelWidth, p = (r / kernelWidth) % kernelHeight, c = r / (kernelWidth * kernelHeight);
    const int j = column % outWidth, i = (column / outWidth) % outHeight, img = column / outPixels;
    const int ii = i * strideHeight + p - padTop, jj = j * strideWidth + q - padLeft;
    const bool inside = ii >= 0 && ii < height && jj >= 0 && jj < width;
    cols[idx] = inside ? x[xOffset + ((img * channels + c) * height + ii) * width + jj] : (real)0;
}

// The adjoint of im2col, written as a gather so no two work-items write the same pixel:
// dx[img, c, h, w] = Σ over the (p, q, i, j) with i*sh+p-pt = h and j*sw+q-pl = w of cols[(c,p,q), (img,i,j)].
// Overwrites dx (no zeroing needed) and sums in a fixed order, so results are deterministic.
__kernel void col2im(__global const real* cols, const int images, CONV_GEOMETRY, __global real* dx, const int dxOffset)
{
    const int idx = get_global_id(0);
    if (idx >= images * channels * height * width) return;
    const int w = idx % width, h = (idx / width) % height;
    const int c = (idx / (width * height)) % channels, img = idx / (width * height * channels);
    const int outPixels = outHeight * outWidth, columns = images * outPixels;
    real sum = 0;
    for (int p = 0; p < kernelHeight; p++)
    {
        const int hp = h + padTop - p;
        if (hp < 0 || hp % strideHeight != 0 || hp / strideHeight >= outHeight) continue;
        for (int q = 0; q < kernelWidth; q++)
        {
            const int wq = w + padLeft - q;
            if (wq < 0 || wq % strideWidth != 0 || wq / strideWidth >= outWidth) continue;
            const int row = (c * kernelHeight + p) * kernelWidth + q;
            sum += cols[row * columns + img * outPixels + (hp / strideHeight) * outWidth + wq / strideWidth];
        }
    }
    dx[dxOffset + idx] = sum;
}

// y[img, o, s] = product[o, img*S + s] + bias[o] (bias skipped when hasBias is 0).
__kernel void scatter_images(__global const real* product, __global const real* bias, const int hasBias,
                             __global real* y, const int yOffset, const int images, const int outChannels, const int pixels)
{
    const int idx = get_global_id(0);
    if (idx >= images * outChannels * pixels) return;
    const int s = idx % pixels, o = (idx / pixels) % outChannels, img = idx / (pixels * outChannels);
    y[yOffset + idx] = product[o * images * pixels + img * pixels + s] + (hasBias ? bias[o] : (real)0);
}

// gathered[o, img*S + s] = dy[img, o, s]: the inverse layout change of scatter_images.
__kernel void gather_images(__global const real* dy, const int dyOffset, const int images, const int outChannels,
                            const int pixels, __global real* gathered)
{
    const int idx = get_global_id(0);
    if (idx >= images * outChannels * pixels) return;
    const int s = idx % pixels, o = (idx / pixels) % outChannels, img = idx / (pixels * outChannels);
    gathered[o * images * pixels + img * pixels + s] = dy[dyOffset + idx];
}
