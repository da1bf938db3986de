using System.Runtime.Intrinsics;
using NativeCnn.Engine.Ops;

namespace NativeCnn.Engine.Devices.Cpu;

/// <summary>
/// The CPU device: host memory, kernels vectorised with System.Runtime.Intrinsics (Vector512 where the processor runs
/// it natively, a tuned Vector256 path otherwise) and spread over all cores. Each operation's entry point lives in its
/// folder under engine/Ops (CpuDevice.&lt;Operation&gt;.cs) and dispatches on the dtype through <see cref="Real"/> to one
/// generic kernel, so float32 training and float64 gradient checks run the same code.
/// </summary>
public sealed partial class CpuDevice : HostDevice
{
    private readonly ConvolutionCpu _convolution;

    /// <summary>A CPU device using every core.</summary>
    /// <param name="convolution">How Conv2D layers are computed; <see cref="ConvolutionAlgorithm.Auto"/> picks the
    /// fastest method per layer shape, <see cref="ConvolutionAlgorithm.Im2Col"/> forces the baseline (for benchmarks).</param>
    public CpuDevice(ConvolutionAlgorithm convolution = ConvolutionAlgorithm.Auto) => _convolution = new ConvolutionCpu(convolution);

    /// <summary>Cores the kernels use (Environment.ProcessorCount).</summary>
    public int Cores => CpuParallel.Workers;

    /// <summary>Widest vector the kernels use natively, in bits (512, 256 or 128).</summary>
    public static int SimdBits => Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : 128;

    /// <inheritdoc/>
    public override string Name => $"cpu ({Cores} cores, {SimdBits}-bit SIMD)";

    /// <inheritdoc/>
    public override void Dispose()
    {
        _convolution.Dispose();
        base.Dispose();
    }
}
