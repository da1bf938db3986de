namespace NativeCnn.Engine.Devices.Gpu;

/// <summary>
/// The few things <see cref="GpuDevice"/> needs from a GPU runtime: memory, copies, compiling the
/// shared kernel source, and launching a named kernel. OpenCL and CUDA each implement it once;
/// everything else (which kernels to launch with which arguments) is shared host code.
/// All calls are issued in order on one queue/stream; copies to and from the host block.
/// </summary>
internal unsafe interface IGpuBackend : IDisposable
{
    /// <summary>Device name for <see cref="Device.Name"/>, e.g. "opencl:0 (pthread-skylake-avx512-AMD EPYC)".</summary>
    string Name { get; }

    /// <summary>True when kernels may use double (<c>real</c> = double) for float64 gradient checks.</summary>
    bool SupportsFloat64 { get; }

    /// <summary>Allocates <paramref name="bytes"/> bytes of device memory and returns its handle (cl_mem or CUdeviceptr).</summary>
    nint Allocate(long bytes);

    /// <summary>Frees memory returned by <see cref="Allocate"/>.</summary>
    void Free(nint buffer);

    /// <summary>Copies <paramref name="bytes"/> host bytes into the buffer at byte offset <paramref name="offset"/>; returns when done.</summary>
    void Write(nint buffer, long offset, void* source, long bytes);

    /// <summary>Copies <paramref name="bytes"/> bytes at byte offset <paramref name="offset"/> to the host; waits for queued kernels first.</summary>
    void Read(nint buffer, long offset, void* destination, long bytes);

    /// <summary>
    /// Compiles kernel source in the backend's dialect (<see cref="GpuKernelSource.OpenCl"/> or
    /// <see cref="GpuKernelSource.Cuda"/>) and returns a program/module handle. <paramref name="defines"/> are preprocessor symbols (NAME or NAME=VALUE).
    /// </summary>
    /// <exception cref="GpuException">The source does not compile; the message holds the build log.</exception>
    nint Compile(string source, IReadOnlyList<string> defines);

    /// <summary>Looks up a kernel by name in a compiled program.</summary>
    nint GetKernel(nint program, string name);

    /// <summary>
    /// Launches a kernel over a grid of <paramref name="groups"/> work-groups (blocks) of
    /// <paramref name="groupSize"/> work-items (threads), in up to two dimensions.
    /// </summary>
    void Launch(nint kernel, (int X, int Y) groups, (int X, int Y) groupSize, ReadOnlySpan<KernelArg> args);

    /// <summary>Blocks until all queued work has finished.</summary>
    void Finish();

    /// <summary>Releases a program from <see cref="Compile"/> and its kernels.</summary>
    void ReleaseProgram(nint program, IEnumerable<nint> kernels);
}

/// <summary>
/// One kernel argument as raw bytes: a buffer handle (cl_mem or CUdeviceptr, pointer-sized) or a
/// scalar (int, uint, float, double). Both runtimes take arguments as (size, pointer to value),
/// so storing the little-endian value in 8 bytes serves either.
/// </summary>
internal readonly struct KernelArg
{
    private KernelArg(ulong bits, int size)
    {
        Bits = bits;
        Size = size;
    }

    /// <summary>The value, in the low <see cref="Size"/> bytes.</summary>
    public ulong Bits { get; }

    /// <summary>Size of the value in bytes.</summary>
    public int Size { get; }

    /// <summary>A device buffer handle.</summary>
    public static KernelArg Buffer(nint handle) => new((ulong)handle, IntPtr.Size);

    /// <summary>A 32-bit signed integer.</summary>
    public static KernelArg Int(int value) => new((uint)value, sizeof(int));

    /// <summary>A 32-bit unsigned integer.</summary>
    public static KernelArg UInt(uint value) => new(value, sizeof(uint));

    /// <summary>A 32-bit float.</summary>
    public static KernelArg Float(float value) => new(BitConverter.SingleToUInt32Bits(value), sizeof(float));

    /// <summary>A 64-bit float.</summary>
    public static KernelArg Double(double value) => new(BitConverter.DoubleToUInt64Bits(value), sizeof(double));
}
