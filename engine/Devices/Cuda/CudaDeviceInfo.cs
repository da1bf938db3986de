namespace NativeCnn.Engine.Devices.Cuda;

/// <summary>One CUDA device as <c>nativecnn devices</c> lists it.</summary>
/// <param name="Index">N of <c>--device cuda:N</c> (the CUDA device ordinal).</param>
/// <param name="Name">Device name, e.g. "NVIDIA H100 80GB HBM3".</param>
/// <param name="ComputeCapabilityMajor">Major compute capability (the X of sm_XY).</param>
/// <param name="ComputeCapabilityMinor">Minor compute capability (the Y of sm_XY).</param>
/// <param name="Multiprocessors">Streaming multiprocessors.</param>
/// <param name="TotalMemoryBytes">Device memory, bytes.</param>
public sealed record CudaDeviceInfo(int Index, string Name, int ComputeCapabilityMajor, int ComputeCapabilityMinor,
    int Multiprocessors, long TotalMemoryBytes)
{
    /// <summary>The NVRTC target architecture, e.g. "sm_90".</summary>
    public string Architecture => $"sm_{ComputeCapabilityMajor}{ComputeCapabilityMinor}";
}
