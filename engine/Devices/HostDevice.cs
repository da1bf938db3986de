using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices;

/// <summary>
/// A device whose tensors live in host memory (<see cref="CpuDevice"/> and <see cref="Reference.ReferenceDevice"/>):
/// uploads and downloads are plain copies, and a kernel reads a tensor through a pointer or a span.
/// </summary>
public abstract unsafe partial class HostDevice : Device
{
    /// <inheritdoc/>
    protected override DeviceBuffer AllocateBuffer(long bytes)
    {
        Counters.Allocated(bytes);
        return new CpuBuffer(bytes);
    }

    /// <summary>The first element of a host tensor.</summary>
    /// <exception cref="ArgumentException">The tensor lives on another kind of device.</exception>
    private protected static T* P<T>(Tensor t) where T : unmanaged => t.Buffer is IHostBuffer host
        ? (T*)host.Pointer
        : throw new ArgumentException($"{t} is not in host memory; copy it to this device first");

    /// <summary>Like <see cref="P{T}"/>, null for a null tensor (an optional argument left out).</summary>
    private protected static T* POrNull<T>(Tensor? t) where T : unmanaged => t == null ? null : P<T>(t);

    /// <inheritdoc/>
    public override void Upload<T>(Tensor destination, ReadOnlySpan<T> source)
    {
        CheckHostSpan<T>(destination, source.Length);
        source.CopyTo(destination.AsSpan<T>());
        Counters.Uploaded((long)source.Length * sizeof(T));
    }

    /// <inheritdoc/>
    public override void Download<T>(Tensor source, Span<T> destination)
    {
        CheckHostSpan<T>(source, destination.Length);
        source.AsSpan<T>().CopyTo(destination);
        Counters.Downloaded((long)destination.Length * sizeof(T));
    }

    /// <inheritdoc/>
    public override void Fill(Tensor tensor, double value)
    {
        switch (tensor.DType)
        {
            case DType.Float32: tensor.AsSpan<float>().Fill((float)value); break;
            case DType.Float64: tensor.AsSpan<double>().Fill(value); break;
            default: tensor.AsSpan<int>().Fill(checked((int)value)); break;
        }
    }

    /// <inheritdoc/>
    public override void Copy(Tensor source, Tensor destination)
    {
        CheckCopy(source, destination);
        long bytes = source.Length * source.DType.SizeInBytes();
        Buffer.MemoryCopy(P<byte>(source), P<byte>(destination), bytes, bytes);
    }
}
