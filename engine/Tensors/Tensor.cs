using NativeCnn.Engine.Devices;

namespace NativeCnn.Engine.Tensors;

/// <summary>
/// A dense, contiguous, row-major n-dimensional array owned by a <see cref="Device"/>.
/// Images are laid out NCHW: [batch, channels, height, width].
/// </summary>
/// <remarks>
/// A tensor never knows how its device computes; layers ask the device to run operations on
/// tensors. Host code reads and writes elements only through <see cref="Device.Upload{T}"/> and
/// <see cref="Device.Download{T}"/>, or through <see cref="Span{T}"/> on a CPU tensor.
/// </remarks>
public sealed class Tensor : IDisposable
{
    private readonly int[] _shape;

    private readonly bool _ownsBuffer;

    internal Tensor(Device device, DType dtype, int[] shape, DeviceBuffer buffer, bool ownsBuffer = true)
    {
        _ownsBuffer = ownsBuffer;
        Device = device;
        DType = dtype;
        _shape = shape;
        Buffer = buffer;
        Length = CheckedLength(shape);
    }

    /// <summary>The device that owns the memory.</summary>
    public Device Device { get; }

    /// <summary>Element type.</summary>
    public DType DType { get; }

    /// <summary>Dimensions, outermost first (for images: N, C, H, W).</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Number of dimensions.</summary>
    public int Rank => _shape.Length;

    /// <summary>Number of elements (product of the shape; 1 for a scalar).</summary>
    public long Length { get; }

    /// <summary>The device memory; its concrete type belongs to <see cref="Device"/>.</summary>
    internal DeviceBuffer Buffer { get; }

    /// <summary>Size of dimension <paramref name="axis"/>; negative axes count from the end.</summary>
    public int Dim(int axis) => _shape[axis < 0 ? _shape.Length + axis : axis];

    /// <summary>A copy of the shape.</summary>
    public int[] ShapeArray() => (int[])_shape.Clone();

    /// <summary>True when the shape equals <paramref name="shape"/> element by element.</summary>
    public bool HasShape(ReadOnlySpan<int> shape) => Shape.SequenceEqual(shape);

    /// <summary>A typed view of a CPU tensor's elements.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not in host memory, or T does not match its dtype.</exception>
    public Span<T> AsSpan<T>() where T : unmanaged
    {
        if (DTypeExtensions.Of<T>() != DType)
            throw new InvalidOperationException($"tensor of dtype {DType} viewed as {typeof(T).Name}");
        if (Buffer is not IHostBuffer host)
            throw new InvalidOperationException($"tensor lives on {Device.Name}; download it to read its elements");
        unsafe { return new Span<T>(host.Pointer, checked((int)Length)); }
    }

    /// <summary>Shape as text, e.g. "[64, 32, 48, 48]".</summary>
    public string ShapeString() => "[" + string.Join(", ", _shape) + "]";

    /// <inheritdoc/>
    public override string ToString() => $"Tensor{ShapeString()} {DType} on {Device.Name}";

    /// <summary>Releases the device memory (a view leaves its source's memory alone). Using the tensor afterwards is an error.</summary>
    public void Dispose()
    {
        if (_ownsBuffer) Buffer.Dispose();
    }

    /// <summary>Product of <paramref name="shape"/>, rejecting negative dimensions and overflow.</summary>
    /// <exception cref="ArgumentException">A dimension is negative.</exception>
    public static long CheckedLength(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"negative dimension in shape [{string.Join(", ", shape.ToArray())}]");
            n = checked(n * d);
        }
        return n;
    }
}
