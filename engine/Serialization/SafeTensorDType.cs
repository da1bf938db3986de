namespace NativeCnn.Engine.Serialization;

/// <summary>
/// Element types of the safetensors format, named as in its header's <c>"dtype"</c> field
/// (https://github.com/huggingface/safetensors, "Format"). All data is little-endian.
/// </summary>
/// <remarks>
/// Only whole-byte types are listed; the sub-byte types added later to the spec (F4, F6_*) and
/// F8_E8M0 are not supported and are reported as an unknown dtype when read.
/// </remarks>
public enum SafeTensorDType
{
    /// <summary><c>"BOOL"</c>: 1 byte, 0 or 1.</summary>
    Bool,

    /// <summary><c>"U8"</c>: unsigned 8-bit integer.</summary>
    U8,

    /// <summary><c>"I8"</c>: signed 8-bit integer.</summary>
    I8,

    /// <summary><c>"F8_E5M2"</c>: 8-bit float, 5 exponent and 2 mantissa bits.</summary>
    F8E5M2,

    /// <summary><c>"F8_E4M3"</c>: 8-bit float, 4 exponent and 3 mantissa bits.</summary>
    F8E4M3,

    /// <summary><c>"I16"</c>: signed 16-bit integer.</summary>
    I16,

    /// <summary><c>"U16"</c>: unsigned 16-bit integer.</summary>
    U16,

    /// <summary><c>"F16"</c>: IEEE 754 half precision.</summary>
    F16,

    /// <summary><c>"BF16"</c>: bfloat16 (the top half of an IEEE float32).</summary>
    BF16,

    /// <summary><c>"I32"</c>: signed 32-bit integer.</summary>
    I32,

    /// <summary><c>"U32"</c>: unsigned 32-bit integer.</summary>
    U32,

    /// <summary><c>"F32"</c>: IEEE 754 single precision.</summary>
    F32,

    /// <summary><c>"F64"</c>: IEEE 754 double precision.</summary>
    F64,

    /// <summary><c>"I64"</c>: signed 64-bit integer.</summary>
    I64,

    /// <summary><c>"U64"</c>: unsigned 64-bit integer.</summary>
    U64,
}

/// <summary>Size and header name of each <see cref="SafeTensorDType"/>.</summary>
public static class SafeTensorDTypeExtensions
{
    /// <summary>Bytes per element.</summary>
    /// <param name="dtype">The element type.</param>
    /// <returns>1, 2, 4 or 8.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dtype"/> is not a defined value.</exception>
    public static int ElementSize(this SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.Bool or SafeTensorDType.U8 or SafeTensorDType.I8
            or SafeTensorDType.F8E5M2 or SafeTensorDType.F8E4M3 => 1,
        SafeTensorDType.I16 or SafeTensorDType.U16 or SafeTensorDType.F16 or SafeTensorDType.BF16 => 2,
        SafeTensorDType.I32 or SafeTensorDType.U32 or SafeTensorDType.F32 => 4,
        SafeTensorDType.F64 or SafeTensorDType.I64 or SafeTensorDType.U64 => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a safetensors dtype."),
    };

    /// <summary>The name written in the header, e.g. <c>"F32"</c> or <c>"F8_E4M3"</c>.</summary>
    /// <param name="dtype">The element type.</param>
    /// <returns>The spec's spelling.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dtype"/> is not a defined value.</exception>
    public static string HeaderName(this SafeTensorDType dtype) => dtype switch
    {
        SafeTensorDType.Bool => "BOOL",
        SafeTensorDType.F8E5M2 => "F8_E5M2",
        SafeTensorDType.F8E4M3 => "F8_E4M3",
        _ when Enum.IsDefined(dtype) => dtype.ToString(),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "Not a safetensors dtype."),
    };

    /// <summary>Parses a header dtype name; the match is exact (case-sensitive), as in the spec.</summary>
    /// <param name="name">The header's <c>"dtype"</c> string.</param>
    /// <param name="dtype">The parsed type when the name is known.</param>
    /// <returns>Whether <paramref name="name"/> names a supported dtype.</returns>
    public static bool TryParseHeaderName(string name, out SafeTensorDType dtype)
    {
        foreach (SafeTensorDType candidate in Enum.GetValues<SafeTensorDType>())
        {
            if (candidate.HeaderName() == name)
            {
                dtype = candidate;
                return true;
            }
        }

        dtype = default;
        return false;
    }
}
