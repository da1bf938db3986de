namespace NativeCnn.Engine.Devices;

/// <summary>A block of memory owned by a device. Each backend derives its own kind.</summary>
public abstract class DeviceBuffer : IDisposable
{
    /// <summary>Creates a buffer descriptor of <paramref name="bytes"/> bytes.</summary>
    protected DeviceBuffer(long bytes) => Bytes = bytes;

    /// <summary>Size in bytes.</summary>
    public long Bytes { get; }

    /// <summary>True once <see cref="Dispose"/> has run.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Releases the memory; safe to call twice.</summary>
    public void Dispose()
    {
        if (IsDisposed) return;
        IsDisposed = true;
        Release();
        GC.SuppressFinalize(this);
    }

    /// <summary>Frees the backend memory exactly once.</summary>
    protected abstract void Release();
}

/// <summary>A buffer that lives in host memory and can be addressed directly.</summary>
public unsafe interface IHostBuffer
{
    /// <summary>Address of the first byte, 64-byte aligned.</summary>
    void* Pointer { get; }
}
