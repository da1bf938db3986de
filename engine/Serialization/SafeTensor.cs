using System.Runtime.InteropServices;

namespace NativeCnn.Engine.Serialization;

/// <summary>
/// One named tensor of a safetensors file: element type, shape and raw little-endian bytes in
/// row-major (C) order. The constructor checks that the byte count is
/// <c>product(shape) * dtype.ElementSize()</c>, so every instance can be written as is.
/// </summary>
public sealed class SafeTensor
{
    private readonly int[] _shape;

    /// <summary>Creates a tensor from raw bytes.</summary>
    /// <param name="name">Tensor name (the header key); not empty and not <c>"__metadata__"</c>.</param>
    /// <param name="dtype">Element type.</param>
    /// <param name="shape">Dimensions, each &gt;= 0; empty for a scalar (one element). Copied.</param>
    /// <param name="data">Little-endian element bytes. Not copied: the tensor takes ownership, so do not modify it afterwards.</param>
    /// <exception cref="ArgumentNullException"><paramref name="name"/> or <paramref name="data"/> is null.</exception>
    /// <exception cref="ArgumentException">The name is empty or reserved, a dimension is negative, the size overflows,
    /// or <paramref name="data"/> does not hold exactly product(shape) elements.</exception>
    public SafeTensor(string name, SafeTensorDType dtype, ReadOnlySpan<int> shape, byte[] data)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(data);
        if (name == SafeTensorsFile.MetadataKey)
            throw new ArgumentException($"'{SafeTensorsFile.MetadataKey}' is reserved for the header's metadata.", nameof(name));

        long elements = SafeTensorsFile.ElementCount(shape)
            ?? throw new ArgumentException(
                $"Tensor '{name}' has an invalid shape [{string.Join(", ", shape.ToArray())}]: a negative dimension, or too many elements.",
                nameof(shape));
        long expectedBytes = SafeTensorsFile.ByteCount(elements, dtype)
            ?? throw new ArgumentException($"Tensor '{name}' is too large to address.", nameof(shape));
        if (data.LongLength != expectedBytes)
            throw new ArgumentException(
                $"Tensor '{name}' of shape [{string.Join(", ", shape.ToArray())}] and dtype {dtype.HeaderName()} needs {expectedBytes} bytes but has {data.LongLength}.",
                nameof(data));

        Name = name;
        DType = dtype;
        _shape = shape.ToArray();
        ElementCount = elements;
        Data = data;
    }

    /// <summary>Tensor name, the key in the file header.</summary>
    public string Name { get; }

    /// <summary>Element type.</summary>
    public SafeTensorDType DType { get; }

    /// <summary>Dimensions, outermost first; empty for a scalar.</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>Number of elements, the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount { get; }

    /// <summary>Raw little-endian element bytes, <c>ElementCount * DType.ElementSize()</c> long.</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Creates an F32 tensor from float values.</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="shape">Dimensions; product must equal <paramref name="values"/>' length.</param>
    /// <param name="values">Elements in row-major order.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="ArgumentException">See the constructor.</exception>
    public static SafeTensor FromFloats(string name, ReadOnlySpan<int> shape, ReadOnlySpan<float> values) =>
        new(name, SafeTensorDType.F32, shape, ToLittleEndianBytes(values));

    /// <summary>Creates an F64 tensor from double values.</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="shape">Dimensions; product must equal <paramref name="values"/>' length.</param>
    /// <param name="values">Elements in row-major order.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="ArgumentException">See the constructor.</exception>
    public static SafeTensor FromDoubles(string name, ReadOnlySpan<int> shape, ReadOnlySpan<double> values) =>
        new(name, SafeTensorDType.F64, shape, ToLittleEndianBytes(values));

    /// <summary>Creates an I32 tensor from int values.</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="shape">Dimensions; product must equal <paramref name="values"/>' length.</param>
    /// <param name="values">Elements in row-major order.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="ArgumentException">See the constructor.</exception>
    public static SafeTensor FromInts(string name, ReadOnlySpan<int> shape, ReadOnlySpan<int> values) =>
        new(name, SafeTensorDType.I32, shape, ToLittleEndianBytes(values));

    /// <summary>Creates an I64 tensor from long values (e.g. step counters).</summary>
    /// <param name="name">Tensor name.</param>
    /// <param name="shape">Dimensions; product must equal <paramref name="values"/>' length.</param>
    /// <param name="values">Elements in row-major order.</param>
    /// <returns>The tensor.</returns>
    /// <exception cref="ArgumentException">See the constructor.</exception>
    public static SafeTensor FromLongs(string name, ReadOnlySpan<int> shape, ReadOnlySpan<long> values) =>
        new(name, SafeTensorDType.I64, shape, ToLittleEndianBytes(values));

    /// <summary>The elements of an F32 tensor.</summary>
    /// <returns>A new array of <see cref="ElementCount"/> floats.</returns>
    /// <exception cref="InvalidOperationException">The dtype is not F32.</exception>
    public float[] ToFloats() => FromLittleEndianBytes<float>(SafeTensorDType.F32);

    /// <summary>The elements of an F64 tensor.</summary>
    /// <returns>A new array of <see cref="ElementCount"/> doubles.</returns>
    /// <exception cref="InvalidOperationException">The dtype is not F64.</exception>
    public double[] ToDoubles() => FromLittleEndianBytes<double>(SafeTensorDType.F64);

    /// <summary>The elements of an I32 tensor.</summary>
    /// <returns>A new array of <see cref="ElementCount"/> ints.</returns>
    /// <exception cref="InvalidOperationException">The dtype is not I32.</exception>
    public int[] ToInts() => FromLittleEndianBytes<int>(SafeTensorDType.I32);

    /// <summary>The elements of an I64 tensor.</summary>
    /// <returns>A new array of <see cref="ElementCount"/> longs.</returns>
    /// <exception cref="InvalidOperationException">The dtype is not I64.</exception>
    public long[] ToLongs() => FromLittleEndianBytes<long>(SafeTensorDType.I64);

    private static byte[] ToLittleEndianBytes<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        byte[] bytes = MemoryMarshal.AsBytes(values).ToArray();
        ReverseEachElementOnBigEndian(bytes, System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        return bytes;
    }

    private T[] FromLittleEndianBytes<T>(SafeTensorDType expected) where T : unmanaged
    {
        if (DType != expected)
            throw new InvalidOperationException($"Tensor '{Name}' has dtype {DType.HeaderName()}, not {expected.HeaderName()}.");
        var values = new T[ElementCount];
        Span<byte> target = MemoryMarshal.AsBytes(values.AsSpan());
        Data.Span.CopyTo(target);
        ReverseEachElementOnBigEndian(target, System.Runtime.CompilerServices.Unsafe.SizeOf<T>());
        return values;
    }

    // The file format is little-endian; on a big-endian host each element's bytes are swapped.
    private static void ReverseEachElementOnBigEndian(Span<byte> bytes, int elementSize)
    {
        if (BitConverter.IsLittleEndian)
            return;
        for (int i = 0; i < bytes.Length; i += elementSize)
            bytes.Slice(i, elementSize).Reverse();
    }
}
