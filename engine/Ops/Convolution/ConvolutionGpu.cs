using System.Numerics;
using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// Convolution on the GPU as implicit GEMM (equations: <see cref="ConvolutionReference"/>): each pass is one launch of
/// the tiled <see cref="GemmGpu.Multiply{T, TTile, TA, TB, TC}"/> over the whole batch, with operand readers that gather the
/// im2col matrix straight from the NCHW tensors (nothing is unrolled into memory) and a writer that puts the result
/// back in NCHW with the bias and ReLU applied:
/// <code>
/// forward:          Y[o, (n,i,j)]  = W[o, (c,p,q)] · X̂[(c,p,q), (n,i,j)]             M = O, N = batch·OH·OW, K = C·KH·KW
/// kernel gradient:  dW[o, (c,p,q)] = dY[o, (n,i,j)] · X̂ᵀ[(n,i,j), (c,p,q)]           M = O, N = C·KH·KW, K = batch·OH·OW
/// data gradient:    dX[c, (n,h,w)] = Wᵀ[c, (o,p,q)] · dŶ[(o,p,q), (n,h,w)]           M = C, N = batch·H·W, K = O·KH·KW
/// </code>
/// X̂ is the im2col matrix of x (zero outside the image) and dŶ that of dy for the transposed convolution (zero where
/// a pixel is no window's tap): the data gradient is a gather, so no two threads write one pixel and no atomics are
/// needed. The launch count of a pass does not depend on the batch size.
/// </summary>
internal static class ConvolutionGpu
{
    /// <summary>X̂[(c,p,q), (n,i,j)] = x[n, c, i·sh + p - pt, j·sw + q - pl], zero outside the image.</summary>
    internal readonly struct Im2ColMatrix<T>(ArrayView<T> x, Conv2DGeometry g) : IMatrixReader<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ArrayView<T> _x = x;
        private readonly Conv2DGeometry _g = g;

        public T Read(int row, int column)
        {
            int q = row % _g.KernelWidth, p = row / _g.KernelWidth % _g.KernelHeight, c = row / (_g.KernelWidth * _g.KernelHeight);
            int j = column % _g.OutWidth, i = column / _g.OutWidth % _g.OutHeight, n = column / (_g.OutWidth * _g.OutHeight);
            int h = i * _g.StrideHeight + p - _g.PadTop, w = j * _g.StrideWidth + q - _g.PadLeft;
            return h >= 0 && h < _g.InHeight && w >= 0 && w < _g.InWidth ? _x[((n * _g.InChannels + c) * _g.InHeight + h) * _g.InWidth + w] : T.Zero;
        }
    }

    /// <summary>An NCHW tensor [N, C, S] read as the channels-first matrix [C, (n, s)].</summary>
    internal readonly struct ChannelsFirstMatrix<T>(ArrayView<T> data, int channels, int pixels) : IMatrixReader<T> where T : unmanaged
    {
        private readonly ArrayView<T> _data = data;
        private readonly int _channels = channels, _pixels = pixels;

        public T Read(int row, int column) => _data[(column / _pixels * _channels + row) * _pixels + column % _pixels];
    }

    /// <summary>The kernel [O, C, KH, KW] read as Wᵀ[c, (o,p,q)], the data gradient's left operand.</summary>
    internal readonly struct TransposedKernelMatrix<T>(ArrayView<T> kernel, Conv2DGeometry g) : IMatrixReader<T> where T : unmanaged
    {
        private readonly ArrayView<T> _kernel = kernel;
        private readonly Conv2DGeometry _g = g;

        public T Read(int row, int column)
        {
            int taps = _g.KernelHeight * _g.KernelWidth, o = column / taps, tap = column % taps;
            return _kernel[(o * _g.InChannels + row) * taps + tap];
        }
    }

    /// <summary>dŶ[(o,p,q), (n,h,w)] = dy[n, o, i, j] where i·sh + p - pt = h and j·sw + q - pl = w, zero where no
    /// output (i, j) reads input pixel (h, w) through tap (p, q).</summary>
    internal readonly struct TransposedIm2ColMatrix<T>(ArrayView<T> dy, Conv2DGeometry g) : IMatrixReader<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ArrayView<T> _dy = dy;
        private readonly Conv2DGeometry _g = g;

        public T Read(int row, int column)
        {
            int q = row % _g.KernelWidth, p = row / _g.KernelWidth % _g.KernelHeight, o = row / (_g.KernelWidth * _g.KernelHeight);
            int w = column % _g.InWidth, h = column / _g.InWidth % _g.InHeight, n = column / (_g.InWidth * _g.InHeight);
            int hp = h + _g.PadTop - p, wq = w + _g.PadLeft - q;
            if (hp < 0 || wq < 0 || hp % _g.StrideHeight != 0 || wq % _g.StrideWidth != 0) return T.Zero;
            int i = hp / _g.StrideHeight, j = wq / _g.StrideWidth;
            return i < _g.OutHeight && j < _g.OutWidth ? _dy[((n * _g.OutChannels + o) * _g.OutHeight + i) * _g.OutWidth + j] : T.Zero;
        }
    }

    /// <summary>The product [C, (n, s)] written back to NCHW [N, C, S], plus bias[c] (when present) and max(·, 0) (with a
    /// fused ReLU): the GEMM's epilogue, so neither needs a pass of its own.</summary>
    internal readonly struct NchwOutput<T>(ArrayView<T> y, ArrayView<T> bias, int channels, int pixels, bool hasBias, bool relu) : IMatrixWriter<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ArrayView<T> _y = y, _bias = bias;
        private readonly int _channels = channels, _pixels = pixels, _hasBias = hasBias ? 1 : 0, _relu = relu ? 1 : 0;

        public void Write(int row, int column, T value)
        {
            T v = _hasBias != 0 ? value + _bias[row] : value;
            _y[(column / _pixels * _channels + row) * _pixels + column % _pixels] = _relu != 0 && !(v > T.Zero) ? T.Zero : v;
        }
    }
}
