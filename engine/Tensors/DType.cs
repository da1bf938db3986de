namespace NativeCnn.Engine.Tensors;

/// <summary>Element type of a <see cref="Tensor"/>.</summary>
/// <remarks>Float32 is the training type; Float64 exists so the same layer code can be
/// checked against central differences without float32 rounding noise; Int32 holds class
/// labels and max-pooling argmax indices.</remarks>
public enum DType
{
    /// <summary>IEEE 754 binary32 (4 bytes).</summary>
    Float32,
    /// <summary>IEEE 754 binary64 (8 bytes), used by gradient checks.</summary>
    Float64,
    /// <summary>Two's-complement 32-bit integer (4 bytes): labels and indices.</summary>
    Int32,
}

/// <summary>Size and naming helpers for <see cref="DType"/>.</summary>
public static class DTypeExtensions
{
    /// <summary>Bytes per element: 4 for Float32 and Int32, 8 for Float64.</summary>
    public static int SizeInBytes(this DType dtype) => dtype switch
    {
        DType.Float32 => 4,
        DType.Float64 => 8,
        DType.Int32 => 4,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>The .NET element type that matches <paramref name="dtype"/>.</summary>
    public static Type ClrType(this DType dtype) => dtype switch
    {
        DType.Float32 => typeof(float),
        DType.Float64 => typeof(double),
        DType.Int32 => typeof(int),
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "unknown dtype"),
    };

    /// <summary>The <see cref="DType"/> of the unmanaged element type <typeparamref name="T"/>.</summary>
    /// <exception cref="NotSupportedException">T is not float, double or int.</exception>
    public static DType Of<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? DType.Float32
        : typeof(T) == typeof(double) ? DType.Float64
        : typeof(T) == typeof(int) ? DType.Int32
        : throw new NotSupportedException($"no tensor dtype for {typeof(T).Name}");
}
