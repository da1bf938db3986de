using System.Numerics;
using ILGPU;
using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// Convolution on the GPU as implicit GEMM (equations: <see cref="ConvolutionReference"/>): each pass is one launch of
/// the register-blocked <see cref="GemmGpu"/> over the whole batch, with operand readers that gather the im2col matrix
/// straight from the NCHW tensors into the kernel's shared-memory slices (nothing is unrolled into global memory) and
/// a writer that puts the result back in NCHW with the bias and ReLU applied:
/// <code>
/// forward:          Y[o, (n,i,j)]  = W[o, (c,p,q)] · X̂[(c,p,q), (n,i,j)]             M = O, N = batch·OH·OW, K = C·KH·KW
/// kernel gradient:  dW[o, (c,p,q)] = dY[o, (n,i,j)] · X̂ᵀ[(n,i,j), (c,p,q)]           M = O, N = C·KH·KW, K = batch·OH·OW
/// data gradient:    dX[c, (n,h,w)] = Wᵀ[c, (o,p,q)] · dŶ[(o,p,q), (n,h,w)]           M = C, N = batch·H·W, K = O·KH·KW
/// </code>
/// X̂ is the im2col matrix of x (zero outside the image) and dŶ that of dy for the transposed convolution (zero where
/// a pixel is no window's tap): the data gradient is a gather, so no two threads write one pixel and no atomics are
/// needed. The kernel gradient's depth grows with the batch while its output stays small, so it is split over the
/// depth (split-K) to fill the device. The launch count of a pass does not depend on the batch size.
/// </summary>
/// <remarks>Each reader splits a flat index into its parts with <see cref="FastDivisor"/>s once per quad and then steps
/// along the row (the next output or input pixel), since the GEMM reads four neighbours at a time.</remarks>
internal static class ConvolutionGpu
{
    /// <summary>The geometry with a divisor for every size the readers divide by.</summary>
    internal readonly struct Layout(Conv2DGeometry g)
    {
        /// <summary>The shapes.</summary>
        public readonly Conv2DGeometry G = g;
        /// <summary>KW, KH, KH·KW.</summary>
        public readonly FastDivisor KernelWidth = new(g.KernelWidth), KernelHeight = new(g.KernelHeight), Taps = new(g.KernelHeight * g.KernelWidth);
        /// <summary>OW, OH, W, H.</summary>
        public readonly FastDivisor OutWidth = new(g.OutWidth), OutHeight = new(g.OutHeight), InWidth = new(g.InWidth), InHeight = new(g.InHeight);
        /// <summary>The strides.</summary>
        public readonly FastDivisor StrideHeight = new(g.StrideHeight), StrideWidth = new(g.StrideWidth);
        /// <summary>1, the height of the one-row planes some readers step through.</summary>
        public readonly FastDivisor One = new(1);

        /// <summary>(c, p, q) of patch row <paramref name="row"/> = (c·KH + p)·KW + q.</summary>
        public (int Channel, int P, int Q) Tap(int row)
        {
            int cp = KernelWidth.Divide(row), c = KernelHeight.Divide(cp);
            return (c, KernelHeight.Remainder(cp, c), KernelWidth.Remainder(row, cp));
        }
    }

    /// <summary>A position (image, y, x) in a batch of Height x Width planes, stepped in row-major order.</summary>
    internal struct PixelCursor
    {
        public int N, Y, X;

        /// <summary>The position of flat pixel index <paramref name="flat"/> = (n·Height + y)·Width + x.</summary>
        public static PixelCursor At(int flat, FastDivisor width, FastDivisor height)
        {
            int row = width.Divide(flat), n = height.Divide(row);
            return new PixelCursor { N = n, Y = height.Remainder(row, n), X = width.Remainder(flat, row) };
        }

        /// <summary>The next pixel: x + 1, wrapping to the next row and image.</summary>
        public void Advance(int width, int height)
        {
            if (++X < width) return;
            X = 0;
            if (++Y < height) return;
            Y = 0;
            N++;
        }
    }

    /// <summary>X̂[(c,p,q), (n,i,j)] = x[n, c, i·sh + p - pt, j·sw + q - pl], zero outside the image; read along a row
    /// (consecutive output pixels).</summary>
    internal readonly struct Im2ColMatrix<T>(ArrayView<T> x, Layout layout) : IMatrixReader<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ArrayView<T> _x = x;
        private readonly Layout _l = layout;

        public static bool RowMajor => true;

        public Quad<T> Read4(int row, int column, int rows, int columns)
        {
            if (row >= rows) return default;
            var g = _l.G;
            var (c, p, q) = _l.Tap(row);
            var at = PixelCursor.At(column, _l.OutWidth, _l.OutHeight);
            T v0 = Pixel(at, c, p, q, column, columns); at.Advance(g.OutWidth, g.OutHeight);
            T v1 = Pixel(at, c, p, q, column + 1, columns); at.Advance(g.OutWidth, g.OutHeight);
            T v2 = Pixel(at, c, p, q, column + 2, columns); at.Advance(g.OutWidth, g.OutHeight);
            return new Quad<T>(v0, v1, v2, Pixel(at, c, p, q, column + 3, columns));
        }

        private T Pixel(PixelCursor at, int c, int p, int q, int column, int columns)
        {
            var g = _l.G;
            int h = at.Y * g.StrideHeight + p - g.PadTop, w = at.X * g.StrideWidth + q - g.PadLeft;
            return column < columns && h >= 0 && h < g.InHeight && w >= 0 && w < g.InWidth
                ? _x[((at.N * g.InChannels + c) * g.InHeight + h) * g.InWidth + w] : T.Zero;
        }
    }

    /// <summary>An NCHW tensor [N, C, S] read as the channels-first matrix [C, (n, s)], along a row.</summary>
    internal readonly struct ChannelsFirstMatrix<T>(ArrayView<T> data, int channels, int pixels) : IMatrixReader<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ArrayView<T> _data = data;
        private readonly int _channels = channels, _pixels = pixels;
        private readonly FastDivisor _perImage = new(pixels), _one = new(1);

        public static bool RowMajor => true;

        public Quad<T> Read4(int row, int column, int rows, int columns)
        {
            if (row >= rows) return default;
            var at = PixelCursor.At(column, _perImage, _one);
            T v0 = Element(at, row, column, columns); at.Advance(_pixels, 1);
            T v1 = Element(at, row, column + 1, columns); at.Advance(_pixels, 1);
            T v2 = Element(at, row, column + 2, columns); at.Advance(_pixels, 1);
            return new Quad<T>(v0, v1, v2, Element(at, row, column + 3, columns));
        }

        private T Element(PixelCursor at, int row, int column, int columns) =>
            column < columns ? _data[(at.N * _channels + row) * _pixels + at.X] : T.Zero;
    }

    /// <summary>The kernel [O, C, KH, KW] read as Wᵀ[c, (o,p,q)], the data gradient's left operand, along a row.</summary>
    internal readonly struct TransposedKernelMatrix<T>(ArrayView<T> kernel, Layout layout) : IMatrixReader<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ArrayView<T> _kernel = kernel;
        private readonly Layout _l = layout;

        public static bool RowMajor => true;

        public Quad<T> Read4(int row, int column, int rows, int columns)
        {
            if (row >= rows) return default;
            // (o, tap) stepped like an image's pixels: o as the image, tap as x in a plane of one row.
            var at = PixelCursor.At(column, _l.Taps, _l.One);
            int taps = _l.Taps.Divisor;
            T v0 = Element(at, row, column, columns); at.Advance(taps, 1);
            T v1 = Element(at, row, column + 1, columns); at.Advance(taps, 1);
            T v2 = Element(at, row, column + 2, columns); at.Advance(taps, 1);
            return new Quad<T>(v0, v1, v2, Element(at, row, column + 3, columns));
        }

        private T Element(PixelCursor at, int row, int column, int columns) =>
            column < columns ? _kernel[(at.N * _l.G.InChannels + row) * _l.Taps.Divisor + at.X] : T.Zero;
    }

    /// <summary>dŶ[(o,p,q), (n,h,w)] = dy[n, o, i, j] where i·sh + p - pt = h and j·sw + q - pl = w, zero where no
    /// output (i, j) reads input pixel (h, w) through tap (p, q); read along a row (consecutive input pixels).</summary>
    internal readonly struct TransposedIm2ColMatrix<T>(ArrayView<T> dy, Layout layout) : IMatrixReader<T> where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ArrayView<T> _dy = dy;
        private readonly Layout _l = layout;

        public static bool RowMajor => true;

        public Quad<T> Read4(int row, int column, int rows, int columns)
        {
            if (row >= rows) return default;
            var g = _l.G;
            var (o, p, q) = _l.Tap(row);
            var at = PixelCursor.At(column, _l.InWidth, _l.InHeight);
            T v0 = Gradient(at, o, p, q, column, columns); at.Advance(g.InWidth, g.InHeight);
            T v1 = Gradient(at, o, p, q, column + 1, columns); at.Advance(g.InWidth, g.InHeight);
            T v2 = Gradient(at, o, p, q, column + 2, columns); at.Advance(g.InWidth, g.InHeight);
            return new Quad<T>(v0, v1, v2, Gradient(at, o, p, q, column + 3, columns));
        }

        private T Gradient(PixelCursor at, int o, int p, int q, int column, int columns)
        {
            var g = _l.G;
            int hp = at.Y + g.PadTop - p, wq = at.X + g.PadLeft - q;
            if (column >= columns || hp < 0 || wq < 0) return T.Zero;
            int i = _l.StrideHeight.Divide(hp), j = _l.StrideWidth.Divide(wq);
            if (_l.StrideHeight.Remainder(hp, i) != 0 || _l.StrideWidth.Remainder(wq, j) != 0 || i >= g.OutHeight || j >= g.OutWidth) return T.Zero;
            return _dy[((at.N * g.OutChannels + o) * g.OutHeight + i) * g.OutWidth + j];
        }
    }

    /// <summary>The product [C, (n, s)] written back to NCHW [N, C, S], plus bias[c] (when present) and max(·, 0) (with a
    /// fused ReLU): the GEMM's epilogue, so neither needs a pass of its own.</summary>
    internal readonly struct NchwOutput<T>(ArrayView<T> y, ArrayView<T> bias, int channels, int pixels, bool hasBias, bool relu) : IMatrixWriter<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        private readonly ArrayView<T> _y = y, _bias = bias;
        private readonly int _channels = channels, _pixels = pixels, _hasBias = hasBias ? 1 : 0, _relu = relu ? 1 : 0;
        private readonly FastDivisor _perImage = new(pixels);

        public void Write(int row, int column, T value)
        {
            T v = _hasBias != 0 ? value + _bias[row] : value;
            int n = _perImage.Divide(column);
            _y[(n * _channels + row) * _pixels + _perImage.Remainder(column, n)] = _relu != 0 && !(v > T.Zero) ? T.Zero : v;
        }
    }
}
