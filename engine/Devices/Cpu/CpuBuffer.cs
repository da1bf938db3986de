using System.Runtime.InteropServices;

namespace NativeCnn.Engine.Devices.Cpu;

/// <summary>Host memory from <see cref="NativeMemory.AlignedAlloc"/>, 64-byte aligned so a Vector512 load never splits a cache line at the start of a tensor.</summary>
internal sealed unsafe class CpuBuffer : DeviceBuffer, IHostBuffer
{
    public const int Alignment = 64;

    public CpuBuffer(long bytes) : base(bytes)
    {
        Pointer = NativeMemory.AlignedAlloc((nuint)bytes, Alignment);
        GC.AddMemoryPressure(bytes);
    }

    public void* Pointer { get; }

    ~CpuBuffer() => Dispose();

    protected override void Release()
    {
        NativeMemory.AlignedFree(Pointer);
        GC.RemoveMemoryPressure(Bytes);
    }
}
