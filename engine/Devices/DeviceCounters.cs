namespace NativeCnn.Engine.Devices;

/// <summary>
/// What a device has done since it was created or last <see cref="Reset"/>: kernel launches, copies between host and
/// device memory (count and bytes), and device memory allocations. A GPU training step should upload the batch, read
/// back one small result and allocate nothing once its buffers exist; <c>bench -- step-stats</c> prints these per step.
/// </summary>
/// <remarks>Host devices (cpu, reference) count copies and allocations too; they have no kernel launches.
/// Not thread-safe: a device is driven by one thread.</remarks>
public sealed class DeviceCounters
{
    /// <summary>Kernels launched on the device.</summary>
    public long KernelLaunches { get; private set; }

    /// <summary>Host-to-device copies (uploads).</summary>
    public long HostToDeviceCopies { get; private set; }

    /// <summary>Bytes copied host to device.</summary>
    public long HostToDeviceBytes { get; private set; }

    /// <summary>Device-to-host copies (downloads and read-backs of results such as the loss).</summary>
    public long DeviceToHostCopies { get; private set; }

    /// <summary>Bytes copied device to host.</summary>
    public long DeviceToHostBytes { get; private set; }

    /// <summary>Device memory allocations (tensors and scratch buffers).</summary>
    public long Allocations { get; private set; }

    /// <summary>Bytes allocated.</summary>
    public long AllocatedBytes { get; private set; }

    /// <summary>Sets every counter to zero.</summary>
    public void Reset()
    {
        KernelLaunches = HostToDeviceCopies = HostToDeviceBytes = DeviceToHostCopies = DeviceToHostBytes = Allocations = AllocatedBytes = 0;
    }

    /// <summary>A copy of the current values.</summary>
    public DeviceCounters Snapshot() => (DeviceCounters)MemberwiseClone();

    internal void Launched(int kernels = 1) => KernelLaunches += kernels;

    internal void Uploaded(long bytes)
    {
        HostToDeviceCopies++;
        HostToDeviceBytes += bytes;
    }

    internal void Downloaded(long bytes)
    {
        DeviceToHostCopies++;
        DeviceToHostBytes += bytes;
    }

    internal void Allocated(long bytes)
    {
        Allocations++;
        AllocatedBytes += bytes;
    }
}
