using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Gpu;

public sealed partial class GpuDevice
{
    /// <inheritdoc/>
    public override void Fill(Tensor tensor, double value)
    {
        switch (tensor.DType)
        {
            case DType.Float32: Fill(tensor, (float)value); break;
            case DType.Float64: Fill(tensor, value); break;
            default: Fill(tensor, checked((int)value)); break;
        }
    }

    private void Fill<T>(Tensor tensor, T value) where T : unmanaged
    {
        if (tensor.Length == 0) return;
        Launch(Kernels<MemoryGpu.Kernels<T>>().Fill)(Stride(tensor.Length), View<T>(tensor), value, (int)tensor.Length);
    }
}
