using System.Numerics;
using System.Runtime.InteropServices;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Gpu;

public sealed partial class GpuDevice
{
    // Work-groups of the first stage of SumOfSquares: the host adds at most this many partials.
    private const int MaxSumGroups = 256;

    /// <inheritdoc/>
    public override void AddScaled(Tensor y, Tensor x, double alpha)
    {
        CheckSameLayout(y, x);
        Real.Run(y, new AddScaledCall(this, y, x, alpha));
    }

    /// <inheritdoc/>
    public override double SumOfSquares(Tensor x) => Real.Run<SumOfSquaresCall, double>(x, new SumOfSquaresCall(this, x));

    private readonly record struct AddScaledCall(GpuDevice Device, Tensor Y, Tensor X, double Alpha) : IRealOperation
    {
        public void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (Y.Length == 0) return;
            Device.Launch(Device.Kernels<Blas1Gpu.Kernels<T>>().AddScaled)(Device.Stride(Y.Length), Device.View<T>(Y), Device.View<T>(X), T.CreateChecked(Alpha), (int)Y.Length);
        }
    }

    /// <summary>Up to <see cref="MaxSumGroups"/> partial sums on the device, read back once and added in double.</summary>
    private readonly record struct SumOfSquaresCall(GpuDevice Device, Tensor X) : IRealFunction<double>
    {
        public double Run<T>() where T : unmanaged, IFloatingPointIeee754<T>
        {
            if (X.Length == 0) return 0;
            int groupSize = Device.ReduceGroupSize;
            int groups = (int)Math.Clamp((X.Length + groupSize - 1) / groupSize, 1, MaxSumGroups);
            GpuBuffer partials = Device.ScratchBuffer(Scratch.SumPartials, (long)groups * Marshal.SizeOf<T>());
            Device.Launch(Device.Kernels<Blas1Gpu.Kernels<T>>().SumOfSquaresPartial)((groups, groupSize), Device.View<T>(X), (int)X.Length,
                partials.View<T>(groups));
            Span<T> host = stackalloc T[groups];
            Device.ReadBack(partials, host);
            double sum = 0;
            foreach (T p in host) sum += double.CreateChecked(p);
            return sum;
        }
    }
}
