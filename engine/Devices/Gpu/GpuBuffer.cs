using ILGPU;
using ILGPU.Runtime;

namespace NativeCnn.Engine.Devices.Gpu;

/// <summary>Device memory of a <see cref="GpuDevice"/>: an ILGPU buffer of bytes, viewed as the tensor's element type.</summary>
internal sealed class GpuBuffer : DeviceBuffer
{
    public GpuBuffer(Accelerator accelerator, long bytes) : base(bytes) => Memory = accelerator.Allocate1D<byte>(bytes);

    /// <summary>The ILGPU allocation.</summary>
    public MemoryBuffer1D<byte, Stride1D.Dense> Memory { get; }

    /// <summary>The first <paramref name="length"/> elements as T.</summary>
    public ArrayView<T> View<T>(long length) where T : unmanaged => Memory.View.AsContiguous().Cast<T>().SubView(0, length);

    protected override void Release() => Memory.Dispose();
}
