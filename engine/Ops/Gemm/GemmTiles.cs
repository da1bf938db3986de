namespace NativeCnn.Engine.Ops;

/// <summary>
/// The shape of one instantiation of <see cref="GemmGpu"/>: a type, so that every size is a compile-time constant of
/// that kernel (shared-memory arrays, loop bounds, the thread layout), and several variants can be loaded side by side
/// and compared (<c>bench -- gemm-sweep</c>).
/// </summary>
/// <remarks>
/// Every thread accumulates an 8 x 8 block of C in registers (<see cref="RegisterTile8x8{T}"/>), as 2 x 2 quads of
/// 4 x 4 that lie <c>4·LanesM</c> rows and <c>4·LanesN</c> columns apart, so that the lanes of a warp read
/// neighbouring quads from shared memory (CUTLASS's SIMT layout). A warp of <c>LanesM x LanesN</c> threads covers
/// <c>8·LanesM x 8·LanesN</c> of C; a work-group of <c>WarpsM x WarpsN</c> warps covers the block tile
/// <c>BM x BN = 8·LanesM·WarpsM x 8·LanesN·WarpsN</c>, and steps through the depth <see cref="Depth"/> at a time.
/// </remarks>
internal interface IGemmTile
{
    /// <summary>Threads of a warp along M.</summary>
    static abstract int LanesM { get; }

    /// <summary>Threads of a warp along N.</summary>
    static abstract int LanesN { get; }

    /// <summary>Warps of a work-group along M.</summary>
    static abstract int WarpsM { get; }

    /// <summary>Warps of a work-group along N.</summary>
    static abstract int WarpsN { get; }

    /// <summary>BK: the depth of the slices of op(A) and op(B) staged in shared memory per step (a multiple of 4).</summary>
    static abstract int Depth { get; }

    /// <summary>
    /// True: each thread loads the next slice into registers before it computes on the current one and stores them to
    /// shared memory after, so global-memory latency overlaps the arithmetic (at most 2 quads of each operand per thread).
    /// False: the next slice goes straight to the other shared-memory buffer before the arithmetic (any tile size; on
    /// ILGPU's CPU accelerator, where nothing overlaps anyway, the cheaper form).
    /// </summary>
    static abstract bool Staged { get; }
}

/// <summary>Sizes derived from an <see cref="IGemmTile"/>.</summary>
internal static class GemmTile
{
    /// <summary>Rows of C per thread (and columns): the register tile is 8 x 8.</summary>
    public const int PerThread = 8;

    /// <summary>Padding of each shared-memory row, in elements: keeps rows 16-byte aligned, and puts the four
    /// transposing stores of a row-major op(A) in different banks.</summary>
    public const int Pad = 4;

    /// <summary>Threads per work-group.</summary>
    public static int Threads<TTile>() where TTile : struct, IGemmTile => TTile.LanesM * TTile.LanesN * TTile.WarpsM * TTile.WarpsN;

    /// <summary>BM, rows of C per work-group.</summary>
    public static int Rows<TTile>() where TTile : struct, IGemmTile => PerThread * TTile.LanesM * TTile.WarpsM;

    /// <summary>BN, columns of C per work-group.</summary>
    public static int Columns<TTile>() where TTile : struct, IGemmTile => PerThread * TTile.LanesN * TTile.WarpsN;

    /// <summary>Elements of shared memory per operand: two buffers of Depth padded rows.</summary>
    public static int SharedA<TTile>() where TTile : struct, IGemmTile => 2 * TTile.Depth * (Rows<TTile>() + Pad);

    /// <summary>Elements of shared memory for op(B).</summary>
    public static int SharedB<TTile>() where TTile : struct, IGemmTile => 2 * TTile.Depth * (Columns<TTile>() + Pad);

    /// <summary>Quads of op(A) each thread loads per step.</summary>
    public static int QuadsA<TTile>() where TTile : struct, IGemmTile => Rows<TTile>() * TTile.Depth / 4 / Threads<TTile>();

    /// <summary>Quads of op(B) each thread loads per step.</summary>
    public static int QuadsB<TTile>() where TTile : struct, IGemmTile => Columns<TTile>() * TTile.Depth / 4 / Threads<TTile>();

    /// <summary>Why <typeparamref name="TTile"/> cannot work, or null: the slices must split evenly into quads per
    /// thread, and a staged tile holds at most two quads of each operand in registers.</summary>
    public static string? Invalid<TTile>() where TTile : struct, IGemmTile
    {
        int threads = Threads<TTile>();
        if (TTile.Depth % 4 != 0) return $"depth {TTile.Depth} is not a multiple of 4";
        if (Rows<TTile>() * TTile.Depth % (4 * threads) != 0 || Columns<TTile>() * TTile.Depth % (4 * threads) != 0 || QuadsA<TTile>() == 0 || QuadsB<TTile>() == 0)
            return $"the {Rows<TTile>()}x{TTile.Depth} and {TTile.Depth}x{Columns<TTile>()} slices do not split into whole quads for {threads} threads";
        if (TTile.Staged && (QuadsA<TTile>() > 2 || QuadsB<TTile>() > 2))
            return $"a staged tile holds at most 2 quads per operand and thread, this one {QuadsA<TTile>()} and {QuadsB<TTile>()}";
        return null;
    }
}

/// <summary>ILGPU's CPU accelerator (groups of 4 threads): 16 x 16 block tiles, 128 deep, loaded directly. Barriers
/// are OS-level synchronisations there, and the double-buffered loop needs one per step: the same number per
/// multiply-add as the previous kernel's 32 x 32 x 64 tiles with two barriers per step.</summary>
internal readonly struct CpuTile : IGemmTile
{
    public static int LanesM => 2;
    public static int LanesN => 2;
    public static int WarpsM => 1;
    public static int WarpsN => 1;
    public static int Depth => 128;
    public static bool Staged => false;
}

/// <summary>128 x 128 x 8, 256 threads (8 warps as 4 x 2 of 4 x 8 lanes), staged: CUTLASS's default SIMT SGEMM
/// threadblock and siboehm's best kernels' shape.</summary>
internal readonly struct Tile128x128x8 : IGemmTile
{
    public static int LanesM => 4;
    public static int LanesN => 8;
    public static int WarpsM => 4;
    public static int WarpsN => 2;
    public static int Depth => 8;
    public static bool Staged => true;
}

/// <summary>128 x 128 x 16, 256 threads, staged: half the barriers of 128 x 128 x 8, twice the shared memory.</summary>
internal readonly struct Tile128x128x16 : IGemmTile
{
    public static int LanesM => 4;
    public static int LanesN => 8;
    public static int WarpsM => 4;
    public static int WarpsN => 2;
    public static int Depth => 16;
    public static bool Staged => true;
}

/// <summary>128 x 128 x 8, 256 threads, loaded straight into the other shared buffer (compare with staging).</summary>
internal readonly struct Tile128x128x8Direct : IGemmTile
{
    public static int LanesM => 4;
    public static int LanesN => 8;
    public static int WarpsM => 4;
    public static int WarpsN => 2;
    public static int Depth => 8;
    public static bool Staged => false;
}

/// <summary>128 x 64 x 8, 128 threads (4 x 1 warps), staged: tall C, or more work-groups for mid-sized products.</summary>
internal readonly struct Tile128x64x8 : IGemmTile
{
    public static int LanesM => 4;
    public static int LanesN => 8;
    public static int WarpsM => 4;
    public static int WarpsN => 1;
    public static int Depth => 8;
    public static bool Staged => true;
}

/// <summary>64 x 128 x 8, 128 threads (2 x 2 warps), staged: convolutions with 64 filters or fewer waste less.</summary>
internal readonly struct Tile64x128x8 : IGemmTile
{
    public static int LanesM => 4;
    public static int LanesN => 8;
    public static int WarpsM => 2;
    public static int WarpsN => 2;
    public static int Depth => 8;
    public static bool Staged => true;
}

/// <summary>64 x 64 x 8, 64 threads (2 x 1 warps), staged: small products, four times the work-groups of 128 x 128.</summary>
internal readonly struct Tile64x64x8 : IGemmTile
{
    public static int LanesM => 4;
    public static int LanesN => 8;
    public static int WarpsM => 2;
    public static int WarpsN => 1;
    public static int Depth => 8;
    public static bool Staged => true;
}

/// <summary>32 x 256 x 16, 128 threads (1 x 4 warps), direct: convolutions with 32 filters (seed004's first layers) on a
/// tile that wastes no rows.</summary>
internal readonly struct Tile32x256x16 : IGemmTile
{
    public static int LanesM => 4;
    public static int LanesN => 8;
    public static int WarpsM => 1;
    public static int WarpsN => 4;
    public static int Depth => 16;
    public static bool Staged => false;
}
