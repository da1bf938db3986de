using System.Numerics;
using System.Runtime.Intrinsics;
using NativeCnn.Engine.Devices.Cpu;

using NativeCnn.Engine.Devices;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// 3x3 stride-1 convolution by Winograd's minimal filtering algorithm F(2x2, 3x3) (Lavin and Gray, "Fast Algorithms
/// for Convolutional Neural Networks", CVPR 2016). Each 2x2 output tile of one channel pair is
/// <c>Aᵀ [(G g Gᵀ) ⊙ (Bᵀ d B)] A</c> for the 3x3 kernel g and the 4x4 input tile d around it: 16 multiplies where the
/// direct form needs 36. Summed over input channels, the element-wise product at each of the 16 tile points ξ becomes
/// one GEMM, <c>M[ξ] (O x tiles) = U[ξ] (O x C) · V[ξ] (C x tiles)</c>, so the multiply-adds drop 2.25x against im2col
/// while the work stays in the blocked GEMM.
/// </summary>
/// <remarks>
/// <para>Transform matrices (the paper's Eq. 7, which uses correlation like Keras' Conv2D):</para>
/// <code>
///        [1  0 -1  0]        [1   0   0]
///   Bᵀ = [0  1  1  0]    G = [½   ½   ½]    Aᵀ = [1  1  1  0]
///        [0 -1  1  0]        [½  -½   ½]         [0  1 -1 -1]
///        [0  1  0 -1]        [0   0   1]
/// </code>
/// <para>
/// The data gradient of a stride-1 convolution is itself a convolution: dX = dY correlated with the kernel rotated by
/// 180 degrees, its channel axes swapped, and padding 2 - pad. So one routine serves the forward pass and the data
/// gradient; only the kernel transform differs. The kernel gradient is the adjoint of the forward algorithm (see
/// <see cref="BackwardKernel{T}"/>): the same input transform, 16 GEMMs over the tiles, and Gᵀ dU G.
/// </para>
/// <para>
/// Layout: the tiles of a group of images are numbered tile row by tile row, and within a tile row image by image:
/// tile (img, ty, tx) is number (ty · images + img) · TX + tx. The transforms run along these rows of tiles with the
/// widest vector the CPU runs natively (<see cref="ISimdVector{TSelf, T}"/>), so even a 6x6 map, 3 tiles wide, fills
/// the vectors with the same tile row of many images. The input rows are first split into even and odd columns and
/// laid side by side for the group's images, so the four columns a tile needs (2j, 2j+1, 2j+2, 2j+3) are the vectors
/// E[j], O[j], E1[j], O1[j] (E1, O1: the next column pair). A vector that runs past the last tile of a row writes into
/// slots that a later row (or the row padding) overwrites, so the loops need no scalar tail.
/// </para>
/// </remarks>
internal sealed unsafe class Winograd : IDisposable
{
    /// <summary>Points of the 4x4 transformed tile: the number of GEMMs.</summary>
    private const int Points = 16;

    // V and M of one group of images, in elements per core: up to 8 MiB of float32, a share of L3 for the two cores.
    private const long GroupBudget = 1L << 21;

    // The kernel gradient's groups: half of that, so that V and dM stay closer to the core (measured 10-20 % faster on
    // the seed models' 32- to 256-channel layers), but at least as many elements as dU (16 x O x C), which every group
    // reads and writes once more (at 512 x 512 channels smaller groups were 25 % slower).
    private const long KernelGradientBudget = 1L << 20;

    // Thresholds measured on Zen 5 against im2col (layer by layer, bench/RESULTS.md): below 16 channels on either side
    // the 16 GEMMs are too shallow or too narrow to pay for the transforms; and the 2x2 tiles must not cover much more
    // than the output (5x5 needs 3x3 tiles = 36 pixels for 25, 7x7 64 for 49: no gain; 6x6 and 11x11, at most 19 %
    // more, still win by 10-35 %).
    private const int MinChannels = 16;
    private const int MinOutputSize = 6;
    private const double MaxTileCoverage = 1.25;

    private const int SlotInput = 0, SlotProduct = 1, SlotPlane = 2, SlotRows = 3, SlotKernelGradient = 4;
    private readonly Workspace _workspace = new(CpuParallel.Workers, 5);
    private readonly Workspace _kernel = new(1, 1);
    private readonly bool _wide;

    /// <param name="allowVector512">False forces the <see cref="Vector{T}"/> transforms, so tests cover the path that
    /// CPUs without AVX-512 take.</param>
    public Winograd(bool allowVector512 = true) => _wide = allowVector512 && Vector512.IsHardwareAccelerated;

    /// <summary>True when <paramref name="g"/> is a 3x3, stride-1 convolution that this algorithm runs faster than
    /// im2col (see the thresholds above).</summary>
    public static bool Applies(in Conv2DGeometry g) =>
        g.KernelHeight == 3 && g.KernelWidth == 3 && g.StrideHeight == 1 && g.StrideWidth == 1
        && g.InChannels >= MinChannels && g.OutChannels >= MinChannels
        && Math.Min(g.OutHeight, g.OutWidth) >= MinOutputSize
        && 4.0 * ((g.OutHeight + 1) / 2) * ((g.OutWidth + 1) / 2) <= MaxTileCoverage * g.OutPixels;

    /// <summary>Y = conv(X, W) + bias (then ReLU when <paramref name="relu"/>): x [N, C, H, W], kernel [O, C, 3, 3],
    /// bias [O] or null, y [N, O, OH, OW]. <paramref name="g"/> must be 3x3 with stride 1 (padding 0 to 2).</summary>
    public void Forward<T>(T* x, T* kernel, T* bias, T* y, in Conv2DGeometry g, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* u = TransformKernel(kernel, g.OutChannels, g.InChannels, rotate: false);
        Run(x, u, bias, y, new Plan(g.Batch, g.InChannels, g.InHeight, g.InWidth, g.OutChannels, g.OutHeight, g.OutWidth, g.PadTop, g.PadLeft), relu);
    }

    /// <summary>dX = ∂L/∂X of <see cref="Forward{T}"/> (overwritten): dy [N, O, OH, OW], dx [N, C, H, W].</summary>
    public void BackwardData<T>(T* kernel, T* dy, T* dx, in Conv2DGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* u = TransformKernel(kernel, g.OutChannels, g.InChannels, rotate: true);
        Run(dy, u, null, dx, new Plan(g.Batch, g.OutChannels, g.OutHeight, g.OutWidth, g.InChannels, g.InHeight, g.InWidth, 2 - g.PadTop, 2 - g.PadLeft), relu: false);
    }

    /// <summary>
    /// U[ξ] = G g Gᵀ for every kernel g = W[o, c] ([O, C, 3, 3]), stored [16, O, C]; with <paramref name="rotate"/>,
    /// of the 180-degree-rotated kernel and stored [16, C, O] (the data gradient's kernel).
    /// </summary>
    private T* TransformKernel<T>(T* kernel, int o, int c, bool rotate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T* u = _kernel.Get<T>(0, 0, Points * (long)o * c);
        if (_wide) TransformKernel<T, Simd512<T>>(kernel, o, c, rotate, u);
        else TransformKernel<T, SimdNative<T>>(kernel, o, c, rotate, u);
        return u;
    }

    /// <summary>
    /// <see cref="TransformKernel{T}(T*, int, int, bool)"/> a vector of kernels at a time, along the axis that is
    /// contiguous in U (C, or O when rotated): a 512 x 512 layer has 262,144 kernels, and one by one, each with 16
    /// stores 1 MiB apart, they took longer than the layer's GEMMs on small maps.
    /// </summary>
    private static void TransformKernel<T, TV>(T* kernel, int o, int c, bool rotate, T* u)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct, ISimdVector<TV, T>
    {
        long plane = (long)o * c;
        int rows = rotate ? c : o, lanes = rotate ? o : c;
        CpuParallel.For(rows, 8, (start, end) =>
        {
            for (int row = start; row < end; row++)
            {
                // Lane j is kernel W[row, j] (or W[j, row] when rotated), written at U[ξ, row, j].
                T* g = kernel + (rotate ? row : (long)row * c) * 9, dst = u + (long)row * lanes;
                long laneStride = rotate ? (long)c * 9 : 9;
                int j = 0;
                for (; j + TV.Count <= lanes; j += TV.Count) TransformKernels<T, TV>(g + j * laneStride, laneStride, rotate, dst + j, plane);
                for (; j < lanes; j++) TransformKernels<T, Scalar<T>>(g + j * laneStride, laneStride, rotate, dst + j, plane);
            }
        });
    }

    /// <summary>G g Gᵀ for TV.Count kernels: lane l's row-major 3x3 kernel at g + l · laneStride (reversed when rotated
    /// by 180 degrees), its 16 points written at u + ξ · pointStride + l.</summary>
    private static void TransformKernels<T, TV>(T* g, long laneStride, bool rotate, T* u, long pointStride)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct, ISimdVector<TV, T>
    {
        T* f = stackalloc T[9 * TV.Count];
        for (int l = 0; l < TV.Count; l++)
            for (int t = 0; t < 9; t++) f[t * TV.Count + l] = g[l * laneStride + (rotate ? 8 - t : t)];
        TV half = TV.Create(T.One / (T.One + T.One));
        TV F(int t) => TV.Load(f + t * TV.Count);
        // G down each column of the kernel, then G along each row of the result.
        var (g00, g10, g20, g30) = ApplyG<T, TV>(F(0), F(3), F(6), half);
        var (g01, g11, g21, g31) = ApplyG<T, TV>(F(1), F(4), F(7), half);
        var (g02, g12, g22, g32) = ApplyG<T, TV>(F(2), F(5), F(8), half);
        StorePoints(ApplyG<T, TV>(g00, g01, g02, half), u, pointStride);
        StorePoints(ApplyG<T, TV>(g10, g11, g12, half), u + 4 * pointStride, pointStride);
        StorePoints(ApplyG<T, TV>(g20, g21, g22, half), u + 8 * pointStride, pointStride);
        StorePoints(ApplyG<T, TV>(g30, g31, g32, half), u + 12 * pointStride, pointStride);
    }

    /// <summary>G (a, b, c)ᵀ = (a, (a + b + c) / 2, (a − b + c) / 2, c).</summary>
    private static (TV, TV, TV, TV) ApplyG<T, TV>(TV a, TV b, TV c, TV half)
        where T : unmanaged where TV : struct, ISimdVector<TV, T> =>
        (a, (a + b + c) * half, (a - b + c) * half, c);

    private static void StorePoints<T, TV>((TV, TV, TV, TV) points, T* u, long pointStride)
        where T : unmanaged where TV : struct, ISimdVector<TV, T>
    {
        points.Item1.Store(u);
        points.Item2.Store(u + pointStride);
        points.Item3.Store(u + 2 * pointStride);
        points.Item4.Store(u + 3 * pointStride);
    }

    private void Run<T>(T* input, T* u, T* bias, T* output, Plan p, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (_wide) Run<T, Simd512<T>>(input, u, bias, output, p, relu);
        else Run<T, SimdNative<T>>(input, u, bias, output, p, relu);
    }

    private void Run<T, TV>(T* input, T* u, T* bias, T* output, Plan p, bool relu)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct, ISimdVector<TV, T>
    {
        CpuParallel.ForWorkers(p.Batch, (worker, start, end) =>
        {
            var s = new Scratch<T>(_workspace, worker, p, GroupSize(p, end - start, GroupBudget));
            for (int n0 = start; n0 < end; n0 += s.Group)
            {
                int images = Math.Min(s.Group, end - n0), tiles = images * p.TilesPerImage;
                TransformInput<T, TV>(input + (long)n0 * p.InChannels * p.InHeight * p.InWidth, images, p, s);
                for (int xi = 0; xi < Points; xi++)
                    Gemm.Multiply(false, false, p.OutChannels, tiles, p.InChannels, T.One, u + (long)xi * p.OutChannels * p.InChannels, p.InChannels,
                        s.V + xi * s.VPoint, s.Ld, T.Zero, s.M + xi * s.MPoint, s.Ld, maxThreads: 1);
                TransformOutput<T, TV>(images, p, s, bias, relu, output + (long)n0 * p.OutChannels * p.OutHeight * p.OutWidth);
            }
        });
    }

    /// <summary>
    /// dW = ∂L/∂W of <see cref="Forward{T}"/> (overwritten): x [N, C, H, W], dy [N, O, OH, OW], dKernel [O, C, 3, 3].
    /// The adjoint of the forward algorithm: dM = A dY Aᵀ per output tile, dU[ξ] (O x C) = Σ over tiles of
    /// dM[ξ] · V[ξ]ᵀ (16 GEMMs as deep as the batch has tiles), and dW = Gᵀ dU G.
    /// </summary>
    public void BackwardKernel<T>(T* x, T* dy, T* dKernel, in Conv2DGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (_wide) BackwardKernel<T, Simd512<T>>(x, dy, dKernel, g);
        else BackwardKernel<T, SimdNative<T>>(x, dy, dKernel, g);
    }

    private void BackwardKernel<T, TV>(T* x, T* dy, T* dKernel, Conv2DGeometry g)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct, ISimdVector<TV, T>
    {
        var p = new Plan(g.Batch, g.InChannels, g.InHeight, g.InWidth, g.OutChannels, g.OutHeight, g.OutWidth, g.PadTop, g.PadLeft);
        int o = g.OutChannels, c = g.InChannels, workers = Math.Clamp(g.Batch, 1, CpuParallel.Workers);
        long size = Points * (long)o * c;
        CpuParallel.ForWorkers(p.Batch, (worker, start, end) =>
        {
            var s = new Scratch<T>(_workspace, worker, p, GroupSize(p, end - start, Math.Max(KernelGradientBudget, size)));
            T* du = _workspace.Get<T>(worker, SlotKernelGradient, size);
            new Span<T>(du, (int)size).Clear();
            for (int n0 = start; n0 < end; n0 += s.Group)
            {
                int images = Math.Min(s.Group, end - n0), tiles = images * p.TilesPerImage;
                TransformInput<T, TV>(x + (long)n0 * c * p.InHeight * p.InWidth, images, p, s);
                TransformOutputGradient<T, TV>(dy + (long)n0 * o * p.OutHeight * p.OutWidth, images, p, s);
                for (int xi = 0; xi < Points; xi++)
                    Gemm.Multiply(false, true, o, c, tiles, T.One, s.M + xi * s.MPoint, s.Ld, s.V + xi * s.VPoint, s.Ld,
                        T.One, du + xi * (long)o * c, c, maxThreads: 1);
            }
        });
        T* total = _workspace.SumOverWorkers<T>(workers, SlotKernelGradient, size);
        long plane = (long)o * c;
        CpuParallel.For(o, 8, (start, end) =>
        {
            for (int oc = start; oc < end; oc++)
            {
                int ic = 0;
                for (; ic + TV.Count <= c; ic += TV.Count)
                    TransformKernelGradients<T, TV>(total + oc * (long)c + ic, plane, dKernel + (oc * (long)c + ic) * 9);
                for (; ic < c; ic++)
                    TransformKernelGradients<T, Scalar<T>>(total + oc * (long)c + ic, plane, dKernel + (oc * (long)c + ic) * 9);
            }
        });
    }

    /// <summary>dg = Gᵀ du G for TV.Count adjacent kernels: lane l's 16 points at du + ξ · pointStride + l, its 3x3
    /// gradient written row-major at dg + 9l.</summary>
    private static void TransformKernelGradients<T, TV>(T* du, long pointStride, T* dg)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct, ISimdVector<TV, T>
    {
        TV half = TV.Create(T.One / (T.One + T.One));
        TV D(int point) => TV.Load(du + point * pointStride);
        // Gᵀ down each column of du, then Gᵀ along each row of the result.
        var (t00, t10, t20) = ApplyGTransposed<T, TV>(D(0), D(4), D(8), D(12), half);
        var (t01, t11, t21) = ApplyGTransposed<T, TV>(D(1), D(5), D(9), D(13), half);
        var (t02, t12, t22) = ApplyGTransposed<T, TV>(D(2), D(6), D(10), D(14), half);
        var (t03, t13, t23) = ApplyGTransposed<T, TV>(D(3), D(7), D(11), D(15), half);
        T* rows = stackalloc T[9 * TV.Count];
        StoreRow(ApplyGTransposed<T, TV>(t00, t01, t02, t03, half), rows, TV.Count);
        StoreRow(ApplyGTransposed<T, TV>(t10, t11, t12, t13, half), rows + 3 * TV.Count, TV.Count);
        StoreRow(ApplyGTransposed<T, TV>(t20, t21, t22, t23, half), rows + 6 * TV.Count, TV.Count);
        for (int l = 0; l < TV.Count; l++)
            for (int t = 0; t < 9; t++) dg[9 * l + t] = rows[t * TV.Count + l];
    }

    /// <summary>Gᵀ (a, b, c, d)ᵀ = (a + (b + c) / 2, (b − c) / 2, (b + c) / 2 + d).</summary>
    private static (TV, TV, TV) ApplyGTransposed<T, TV>(TV a, TV b, TV c, TV d, TV half)
        where T : unmanaged where TV : struct, ISimdVector<TV, T>
    {
        TV mean = (b + c) * half;
        return (a + mean, (b - c) * half, mean + d);
    }

    private static void StoreRow<T, TV>((TV, TV, TV) row, T* dst, int stride)
        where T : unmanaged where TV : struct, ISimdVector<TV, T>
    {
        row.Item1.Store(dst);
        row.Item2.Store(dst + stride);
        row.Item3.Store(dst + 2 * stride);
    }

    /// <summary>Images per GEMM group: as many as fit <paramref name="budget"/> elements of V and M, at least one.</summary>
    private static int GroupSize(in Plan p, int images, long budget)
    {
        long perImage = (long)Points * (p.InChannels + p.OutChannels) * p.TilesPerImage;
        return (int)Math.Clamp(budget / perImage, 1, Math.Max(1, images));
    }

    /// <summary>Row stride of V and M: room for a vector's overrun past the last tile.</summary>
    private static long RowStride<T>(long tiles) where T : unmanaged =>
        (tiles + Lanes<T>() - 1) / Lanes<T>() * Lanes<T>() + Lanes<T>();

    /// <summary>The widest vector the transforms may use, in elements: buffers are padded for its overrun.</summary>
    private static int Lanes<T>() where T : unmanaged => Math.Max(Vector512<T>.Count, Vector<T>.Count);

    /// <summary>
    /// Distance between the 16 point matrices of V or M (rows x ld elements each), plus one cache line: the transforms
    /// write (and read) all 16 at once, and at a multiple of 4 KiB apart their streams would compete for the same L1
    /// sets (C = 64, 529 tiles: 64 x 544 floats = 34 x 4 KiB).
    /// </summary>
    private static long PointStride<T>(int rows, long ld) where T : unmanaged => rows * ld + 64 / sizeof(T);

    /// <summary>V[ξ, c, tile] = (Bᵀ d B)[ξ] for every 4x4 input tile d of the group's images (zero outside them).</summary>
    private static void TransformInput<T, TV>(T* input, int images, in Plan p, in Scratch<T> s)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct, ISimdVector<TV, T>
    {
        int length = s.RowLength, width = images * p.TilesX, step = TV.Count;
        long ld = s.Ld, point = s.VPoint, plane = (long)p.InHeight * p.InWidth;
        for (int c = 0; c < p.InChannels; c++)
        {
            SplitPlane<T, TV>(input + c * plane, p.InChannels * plane, images, p, s.Plane, length, shifted: true);
            T* tileRow = s.V + c * ld;
            for (int ty = 0; ty < p.TilesY; ty++, tileRow += width)
            {
                // Rows 2ty .. 2ty+3 of the padded input, each as the arrays E, O, E1, O1 (see SplitPlane).
                T* r0 = s.Plane + 2L * ty * 4 * length, r1 = r0 + 4 * length, r2 = r1 + 4 * length, r3 = r2 + 4 * length;
                for (int j = 0; j < width; j += step)
                {
                    // Bᵀ d: the rows of the tile combined, for each of its four columns (E, O, E1, O1).
                    var (a0, a1, a2, a3) = RowsTransform<T, TV>(r0 + j, r1 + j, r2 + j, r3 + j);
                    var (b0, b1, b2, b3) = RowsTransform<T, TV>(r0 + length + j, r1 + length + j, r2 + length + j, r3 + length + j);
                    var (c0, c1, c2, c3) = RowsTransform<T, TV>(r0 + 2 * length + j, r1 + 2 * length + j, r2 + 2 * length + j, r3 + 2 * length + j);
                    var (d0, d1, d2, d3) = RowsTransform<T, TV>(r0 + 3 * length + j, r1 + 3 * length + j, r2 + 3 * length + j, r3 + 3 * length + j);
                    // (Bᵀ d) B: the same combination across the columns, one row i of the result at a time.
                    T* dst = tileRow + j;
                    StoreColumnsTransform<T, TV>(dst, point, a0, b0, c0, d0);
                    StoreColumnsTransform<T, TV>(dst + 4 * point, point, a1, b1, c1, d1);
                    StoreColumnsTransform<T, TV>(dst + 8 * point, point, a2, b2, c2, d2);
                    StoreColumnsTransform<T, TV>(dst + 12 * point, point, a3, b3, c3, d3);
                }
            }
        }
    }

    /// <summary>Bᵀ applied down one column of four input rows: (d0 − d2, d1 + d2, d2 − d1, d1 − d3).</summary>
    private static (TV, TV, TV, TV) RowsTransform<T, TV>(T* d0, T* d1, T* d2, T* d3)
        where T : unmanaged where TV : struct, ISimdVector<TV, T>
    {
        TV x0 = TV.Load(d0), x1 = TV.Load(d1), x2 = TV.Load(d2), x3 = TV.Load(d3);
        return (x0 - x2, x1 + x2, x2 - x1, x1 - x3);
    }

    /// <summary>Row i of (Bᵀ d) B from columns (t0, t1, t2, t3) of Bᵀ d: points 4i .. 4i+3, <paramref name="point"/> apart.</summary>
    private static void StoreColumnsTransform<T, TV>(T* dst, long point, TV t0, TV t1, TV t2, TV t3)
        where T : unmanaged where TV : struct, ISimdVector<TV, T>
    {
        (t0 - t2).Store(dst);
        (t1 + t2).Store(dst + point);
        (t2 - t1).Store(dst + 2 * point);
        (t1 - t3).Store(dst + 3 * point);
    }

    /// <summary>
    /// One channel of every image of the group, rows −PadTop .. PlaneRows − PadTop − 1 (zero outside the image), as
    /// four arrays per row, each holding the group's tile columns side by side: E[img·TX + j] = x[2j − padLeft] and
    /// O[img·TX + j] = x[2j + 1 − padLeft] of that image's row, and with <paramref name="shifted"/> E1 and O1 the same
    /// one column pair on (E[j + 1], O[j + 1]). Row r starts at plane + 4r·length: E, then O, E1 and O1 length apart.
    /// </summary>
    private static void SplitPlane<T, TV>(T* x, long imageStride, int images, in Plan p, T* plane, int length, bool shifted)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct, ISimdVector<TV, T>
    {
        int tilesX = p.TilesX;
        for (int r = 0; r < p.PlaneRows; r++)
        {
            T* even = plane + 4L * r * length, odd = even + length;
            int row = r - p.PadTop;
            if ((uint)row >= (uint)p.InHeight)
            {
                new Span<T>(even, 4 * length).Clear();
                continue;
            }
            for (int img = 0; img < images; img++)
            {
                // TX + 1 column pairs: the last spills into the next image's slot, which that image overwrites later,
                // so it is copied into E1/O1 first.
                long slot = (long)img * tilesX;
                SplitRow<T, TV>(x + img * imageStride + (long)row * p.InWidth - p.PadLeft, p, even + slot, odd + slot);
                if (!shifted) continue;
                new ReadOnlySpan<T>(even + slot + 1, tilesX).CopyTo(new Span<T>(even + 2 * length + slot, tilesX));
                new ReadOnlySpan<T>(odd + slot + 1, tilesX).CopyTo(new Span<T>(odd + 2 * length + slot, tilesX));
            }
        }
    }

    /// <summary>Splits one row (<paramref name="src"/> at column −padLeft) into TX + 1 even and odd column values,
    /// zero outside the row.</summary>
    private static void SplitRow<T, TV>(T* src, in Plan p, T* even, T* odd)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct, ISimdVector<TV, T>
    {
        int columns = p.TilesX + 1;
        // Columns j whose pixels 2j - padLeft and 2j + 1 - padLeft both lie inside the row need no checks.
        int first = Math.Min((p.PadLeft + 1) / 2, columns), end = Math.Clamp((p.InWidth + p.PadLeft) / 2, first, columns);
        for (int j = 0; j < first; j++) SplitEdge(src, j, p, even, odd);
        int v = first;
        for (; v + TV.Count <= end; v += TV.Count)
        {
            var (e, o) = TV.LoadDeinterleaved(src + 2 * v);
            e.Store(even + v);
            o.Store(odd + v);
        }
        for (; v < end; v++)
        {
            even[v] = src[2 * v];
            odd[v] = src[2 * v + 1];
        }
        for (int j = end; j < columns; j++) SplitEdge(src, j, p, even, odd);
    }

    private static void SplitEdge<T>(T* src, int j, in Plan p, T* even, T* odd)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int col = 2 * j - p.PadLeft;
        even[j] = (uint)col < (uint)p.InWidth ? src[2 * j] : T.Zero;
        odd[j] = (uint)(col + 1) < (uint)p.InWidth ? src[2 * j + 1] : T.Zero;
    }

    /// <summary>Y = Aᵀ m A (+ bias, ReLU) for every tile of the group, written into [images, O, OH, OW].</summary>
    private static void TransformOutput<T, TV>(int images, in Plan p, in Scratch<T> s, T* bias, bool relu, T* output)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct, ISimdVector<TV, T>
    {
        int length = s.RowLength, tilesX = p.TilesX, width = images * tilesX, step = TV.Count;
        long ld = s.Ld, point = s.MPoint, plane = (long)p.OutHeight * p.OutWidth;
        T* even0 = s.Rows, odd0 = even0 + length, even1 = odd0 + length, odd1 = even1 + length;
        for (int o = 0; o < p.OutChannels; o++)
        {
            T b = bias == null ? T.Zero : bias[o];
            T* tileRow = s.M + o * ld;
            for (int ty = 0; ty < p.TilesY; ty++, tileRow += width)
            {
                for (int j = 0; j < width; j += step)
                {
                    // Aᵀ m: rows (m0 + m1 + m2) and (m1 − m2 − m3) of the tile, for each of its four columns.
                    T* src = tileRow + j;
                    var (s00, s10) = OutputPair<T, TV>(src, src + 4 * point, src + 8 * point, src + 12 * point);
                    var (s01, s11) = OutputPair<T, TV>(src + point, src + 5 * point, src + 9 * point, src + 13 * point);
                    var (s02, s12) = OutputPair<T, TV>(src + 2 * point, src + 6 * point, src + 10 * point, src + 14 * point);
                    var (s03, s13) = OutputPair<T, TV>(src + 3 * point, src + 7 * point, src + 11 * point, src + 15 * point);
                    // (Aᵀ m) A: the same combination across the columns gives output columns 2j and 2j + 1.
                    (s00 + s01 + s02).Store(even0 + j);
                    (s01 - s02 - s03).Store(odd0 + j);
                    (s10 + s11 + s12).Store(even1 + j);
                    (s11 - s12 - s13).Store(odd1 + j);
                }
                int top = 2 * ty;
                for (int img = 0; img < images; img++)
                {
                    T* dst = output + ((long)img * p.OutChannels + o) * plane + (long)top * p.OutWidth;
                    int slot = img * tilesX;
                    WriteRow<T, TV>(even0 + slot, odd0 + slot, b, relu, dst, p.OutWidth);
                    if (top + 1 < p.OutHeight) WriteRow<T, TV>(even1 + slot, odd1 + slot, b, relu, dst + p.OutWidth, p.OutWidth);
                }
            }
        }
    }

    /// <summary>
    /// dM[ξ, o, tile] = (A dY Aᵀ)[ξ] for every 2x2 tile of the output gradient (zero past the output's edge): the
    /// adjoint of <see cref="TransformOutput{T, TV}"/>. With z = A dY (rows dy0, dy0 + dy1, dy0 − dy1, −dy1), row i of
    /// dM is (z_i0, z_i0 + z_i1, z_i0 − z_i1, −z_i1).
    /// </summary>
    private static void TransformOutputGradient<T, TV>(T* dy, int images, in Plan p, in Scratch<T> s)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct, ISimdVector<TV, T>
    {
        var gradient = p with { InChannels = p.OutChannels, InHeight = p.OutHeight, InWidth = p.OutWidth, PadTop = 0, PadLeft = 0 };
        int length = s.RowLength, width = images * p.TilesX, step = TV.Count;
        long point = s.MPoint, plane = (long)p.OutHeight * p.OutWidth;
        for (int o = 0; o < p.OutChannels; o++)
        {
            SplitPlane<T, TV>(dy + o * plane, p.OutChannels * plane, images, gradient, s.Plane, length, shifted: false);
            T* tileRow = s.M + o * s.Ld;
            for (int ty = 0; ty < p.TilesY; ty++, tileRow += width)
            {
                T* r0 = s.Plane + 2L * ty * 4 * length, r1 = r0 + 4 * length;
                for (int j = 0; j < width; j += step)
                {
                    TV e0 = TV.Load(r0 + j), o0 = TV.Load(r0 + length + j);
                    TV e1 = TV.Load(r1 + j), o1 = TV.Load(r1 + length + j);
                    T* dst = tileRow + j;
                    StoreGradientColumns<T, TV>(dst, point, e0, o0);
                    StoreGradientColumns<T, TV>(dst + 4 * point, point, e0 + e1, o0 + o1);
                    StoreGradientColumns<T, TV>(dst + 8 * point, point, e0 - e1, o0 - o1);
                    StoreGradientColumns<T, TV>(dst + 12 * point, point, -e1, -o1);
                }
            }
        }
    }

    private static void StoreGradientColumns<T, TV>(T* dst, long point, TV z0, TV z1)
        where T : unmanaged where TV : struct, ISimdVector<TV, T>
    {
        z0.Store(dst);
        (z0 + z1).Store(dst + point);
        (z0 - z1).Store(dst + 2 * point);
        (-z1).Store(dst + 3 * point);
    }

    private static (TV First, TV Second) OutputPair<T, TV>(T* m0, T* m1, T* m2, T* m3)
        where T : unmanaged where TV : struct, ISimdVector<TV, T>
    {
        TV x1 = TV.Load(m1), x2 = TV.Load(m2);
        return (TV.Load(m0) + x1 + x2, x1 - x2 - TV.Load(m3));
    }

    /// <summary>Interleaves the even and odd output columns into one output row, adding the bias (and ReLU).</summary>
    private static void WriteRow<T, TV>(T* even, T* odd, T bias, bool relu, T* row, int width)
        where T : unmanaged, IFloatingPointIeee754<T> where TV : struct, ISimdVector<TV, T>
    {
        T floor = relu ? T.Zero : T.NegativeInfinity;
        int pairs = width / 2, j = 0;
        TV biasVector = TV.Create(bias), floorVector = TV.Create(floor);
        for (; j + TV.Count <= pairs; j += TV.Count)
            TV.StoreInterleaved(TV.Max(TV.Load(even + j) + biasVector, floorVector), TV.Max(TV.Load(odd + j) + biasVector, floorVector), row + 2 * j);
        for (; j < pairs; j++)
        {
            row[2 * j] = T.Max(even[j] + bias, floor);
            row[2 * j + 1] = T.Max(odd[j] + bias, floor);
        }
        if ((width & 1) != 0) row[width - 1] = T.Max(even[pairs] + bias, floor);
    }

    public void Dispose()
    {
        _workspace.Dispose();
        _kernel.Dispose();
    }

    /// <summary>One core's buffers for a group of images: the transformed input V and product M ([16, rows, Ld] each, the
    /// 16 point matrices <see cref="VPoint"/> / <see cref="MPoint"/> apart), the split input plane and output rows.</summary>
    private readonly struct Scratch<T> where T : unmanaged
    {
        public readonly int Group, Ld, RowLength;
        public readonly long VPoint, MPoint;
        public readonly T* V, M, Plane, Rows;

        public Scratch(Workspace workspace, int worker, in Plan p, int group)
        {
            Group = group;
            Ld = (int)RowStride<T>((long)group * p.TilesPerImage);
            VPoint = PointStride<T>(p.InChannels, Ld);
            MPoint = PointStride<T>(p.OutChannels, Ld);
            V = workspace.Get<T>(worker, SlotInput, Points * VPoint);
            M = workspace.Get<T>(worker, SlotProduct, Points * MPoint);
            RowLength = (int)RowStride<T>((long)group * p.TilesX);
            Plane = workspace.Get<T>(worker, SlotPlane, (long)p.PlaneRows * 4 * RowLength);
            Rows = workspace.Get<T>(worker, SlotRows, 4L * RowLength);
        }
    }

    /// <summary>One Winograd convolution: input [Batch, InChannels, InHeight, InWidth] → output [Batch, OutChannels,
    /// OutHeight, OutWidth], output pixel (i, j) reading input rows i − PadTop .. i − PadTop + 2.</summary>
    private readonly record struct Plan(int Batch, int InChannels, int InHeight, int InWidth,
        int OutChannels, int OutHeight, int OutWidth, int PadTop, int PadLeft)
    {
        public int TilesY => (OutHeight + 1) / 2;
        public int TilesX => (OutWidth + 1) / 2;
        public int TilesPerImage => TilesY * TilesX;

        /// <summary>Input rows the tiles read: 2 per tile row plus the 2 rows of overlap.</summary>
        public int PlaneRows => 2 * TilesY + 2;
    }
}
