namespace NativeCnn.Engine.Devices.Gpu;

/// <summary>
/// Division of non-negative 31-bit integers by a divisor fixed on the host, as a multiply and a shift: on a GPU an
/// integer division by a run-time value is a loop of some twenty instructions, and the implicit-GEMM readers split
/// every index into (image, channel, row, column) several times per element.
/// </summary>
/// <remarks>
/// Granlund and Montgomery, "Division by invariant integers using multiplication" (PLDI 1994), theorem 4.2 with
/// N = 31: for d ≥ 1, ℓ = ⌈log2 d⌉ and m = ⌊2^(31+ℓ) / d⌋ + 1, 2^(31+ℓ) &lt; m·d ≤ 2^(31+ℓ) + 2^ℓ, so
/// ⌊n / d⌋ = ⌊n·m / 2^(31+ℓ)⌋ for every 0 ≤ n &lt; 2^31. m ≤ 2^32, so n·m fits in 64 bits.
/// </remarks>
internal readonly struct FastDivisor
{
    private readonly ulong _multiplier;
    private readonly int _shift;

    /// <summary>Prepares division by <paramref name="divisor"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The divisor is not positive.</exception>
    public FastDivisor(int divisor)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(divisor);
        Divisor = divisor;
        int log = divisor == 1 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(divisor - 1));
        _shift = 31 + log;
        _multiplier = (ulong)(((UInt128)1 << _shift) / (ulong)divisor) + 1;
    }

    /// <summary>d.</summary>
    public int Divisor { get; }

    /// <summary>⌊n / d⌋ for 0 ≤ n &lt; 2^31.</summary>
    public int Divide(int n) => (int)(((ulong)(uint)n * _multiplier) >> _shift);

    /// <summary>n - d·⌊n / d⌋ for 0 ≤ n &lt; 2^31, given the quotient.</summary>
    public int Remainder(int n, int quotient) => n - quotient * Divisor;
}
