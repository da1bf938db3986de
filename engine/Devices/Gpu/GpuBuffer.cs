namespace NativeCnn.Engine.Devices.Gpu;

/// <summary>Device memory of a GPU backend: a cl_mem or a CUdeviceptr, freed through the backend that made it.</summary>
internal sealed class GpuBuffer : DeviceBuffer
{
    private readonly IGpuBackend _backend;

    public GpuBuffer(IGpuBackend backend, long bytes) : base(bytes)
    {
        _backend = backend;
        Handle = backend.Allocate(bytes);
    }

    /// <summary>The runtime's handle for this memory.</summary>
    public nint Handle { get; }

    protected override void Release() => _backend.Free(Handle);
}
