using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Gpu;

/// <summary>
/// The GPU device: every <see cref="Device"/> operation as typed C# kernels that ILGPU compiles for one
/// <see cref="Accelerator"/>: CUDA (PTX), OpenCL, or ILGPU's CPU accelerator (the same kernels on CPU threads: slow,
/// for tests and debugging). Each operation's kernels and entry point live in its folder under engine/Ops
/// (<c>…Gpu.cs</c> and <c>GpuDevice.&lt;Operation&gt;.cs</c>).
/// </summary>
/// <remarks>
/// Kernels are loaded once per accelerator and element type, on first use, and kept. All work goes to the
/// accelerator's default stream in order, so launches need no synchronisation; the host waits only when it reads a
/// result back (the loss, a sum of squares, a download). Whole batches run in each launch, so the number of launches of
/// a training step does not depend on the batch size. Scratch memory (loss partials) is kept and grown, never
/// allocated per step once the sizes are known.
/// </remarks>
public sealed unsafe partial class GpuDevice : Device
{
    private readonly Context _context;
    private readonly Accelerator _accelerator;
    private readonly Dictionary<Type, object> _kernels = [];
    private readonly GpuBuffer?[] _scratch = new GpuBuffer?[(int)Scratch.Count];
    private bool _disposed;

    private enum Scratch { LossRows, LossHits, LossTotal, SumPartials, GemmPartials, GemmTileCounters, ChannelPartials, ChannelCoefficients, ChannelCounters, Count }

    private GpuDevice(Context context, Accelerator accelerator, string name)
    {
        _context = context;
        _accelerator = accelerator;
        Name = name;
        ReduceGroupSize = FloorPowerOfTwo(Math.Min(GroupReduce.MaxGroupSize, accelerator.MaxNumThreadsPerGroup));
        IsCpuAccelerator = accelerator is CPUAccelerator;
        // Grid-stride launches: enough groups to fill every multiprocessor several times over on a GPU; on the CPU
        // accelerator, whose groups are costly to start, one per multiprocessor (one per core).
        MaxStrideGroups = IsCpuAccelerator ? accelerator.NumMultiprocessors : accelerator.NumMultiprocessors * 32;
    }

    /// <summary>ILGPU's CPU accelerator runs small groups on CPU threads, so every group and barrier costs far more than
    /// on a GPU; <see cref="Ops.GemmPlanner"/> picks a tile for its 4-thread groups with deep shared-memory stages there.</summary>
    internal bool IsCpuAccelerator { get; }

    private int MaxStrideGroups { get; }

    /// <summary>The launch shape of a grid-stride kernel over <paramref name="n"/> elements (see <see cref="GridStride"/>).</summary>
    internal KernelConfig Stride(long n)
    {
        int groupSize = ReduceGroupSize;
        int groups = (int)Math.Clamp((n + groupSize - 1) / groupSize, 1, MaxStrideGroups);
        return new KernelConfig(groups, groupSize);
    }

    /// <summary>
    /// Opens accelerator <paramref name="index"/> of <paramref name="kind"/> (the numbering of
    /// <see cref="GpuRuntime.List"/>; OpenCL devices ILGPU refuses are not numbered).
    /// </summary>
    /// <exception cref="GpuException">No such device, or its runtime is missing.</exception>
    public static GpuDevice Open(GpuKind kind, int index)
    {
        Context context = GpuRuntime.CreateContext(kind);
        try
        {
            switch (kind)
            {
                case GpuKind.IlgpuCpu:
                    return new GpuDevice(context, context.CreateCPUAccelerator(0, CPUAcceleratorMode.Parallel),
                        "ilgpu-cpu (ILGPU CPU accelerator: GPU kernels on CPU threads, slow)");
                case GpuKind.Cuda:
                {
                    var devices = context.GetCudaDevices();
                    if (index >= devices.Count)
                        throw new GpuException(devices.Count == 0 ? CudaMissing() : $"no CUDA device {index}; there are {devices.Count} (see nativecnn devices)");
                    return new GpuDevice(context, devices[index].CreateAccelerator(context), $"cuda:{index} ({devices[index].Name})");
                }
                default:
                {
                    var devices = context.GetCLDevices();
                    if (index >= devices.Count)
                        throw new GpuException(devices.Count == 0 ? OpenClMissing() : $"no OpenCL device {index}; ILGPU accepts {devices.Count} (see nativecnn devices)");
                    return new GpuDevice(context, devices[index].CreateAccelerator(context), $"opencl:{index} ({devices[index].Name})");
                }
            }
        }
        catch (Exception e) when (e is not GpuException)
        {
            context.Dispose();
            throw new GpuException($"ILGPU could not open the {kind} device {index}: {e.Message}", e);
        }
        catch
        {
            context.Dispose();
            throw;
        }
    }

    /// <summary>
    /// ILGPU's CPU accelerator simulating one multiprocessor with work-groups of <paramref name="threadsPerWarp"/> x
    /// <paramref name="warpsPerGroup"/> threads: slow, but it runs the GPU's tile shapes (256-thread groups), which
    /// ilgpu-cpu's 4-thread groups cannot hold, so tests check every GEMM variant without a GPU.
    /// </summary>
    internal static GpuDevice OpenCpuSimulator(int threadsPerWarp, int warpsPerGroup)
    {
        Context context = GpuRuntime.CreateContext(GpuKind.IlgpuCpu, new CPUDevice(threadsPerWarp, warpsPerGroup, numMultiprocessors: 1));
        return new GpuDevice(context, context.CreateCPUAccelerator(0, CPUAcceleratorMode.Parallel),
            $"ilgpu-cpu simulating {threadsPerWarp * warpsPerGroup}-thread groups");
    }

    private static string CudaMissing() => CudaAPI.CurrentAPI.IsSupported
        ? "the CUDA driver reports no device"
        : "no CUDA driver: libcuda.so.1 (the NVIDIA driver) was not found or did not initialise";

    private static string OpenClMissing()
    {
        if (!CLAPI.CurrentAPI.IsSupported) return "no OpenCL loader: libOpenCL.so.1 was not found (scripts/install-opencl.sh installs one)";
        var refused = GpuRuntime.List().Where(d => d.DeviceName == "opencl" && d.Refusal != null).Select(d => $"{d.Description}: {d.Refusal}").ToList();
        return refused.Count == 0 ? "no OpenCL device" : "no OpenCL device that ILGPU accepts; refused: " + string.Join("; ", refused);
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <summary>The ILGPU accelerator the kernels run on.</summary>
    internal Accelerator Accelerator => _accelerator;

    /// <summary>True when the accelerator runs float64 kernels (all but OpenCL devices without cl_khr_fp64).</summary>
    public bool SupportsFloat64 => _accelerator is not CLAccelerator cl || cl.Capabilities.Float64;

    /// <summary>Threads per work-group of the per-channel and whole-tensor reductions: a power of two, at most
    /// <see cref="GroupReduce.MaxGroupSize"/>.</summary>
    internal int ReduceGroupSize { get; }

    private static int FloorPowerOfTwo(int n) => n <= 1 ? 1 : 1 << (31 - System.Numerics.BitOperations.LeadingZeroCount((uint)n));

    /// <summary>The kernel set <typeparamref name="TKernels"/>, loaded for this accelerator on first use.</summary>
    internal TKernels Kernels<TKernels>() where TKernels : class, IGpuKernels<TKernels>
    {
        if (!_kernels.TryGetValue(typeof(TKernels), out object? set))
        {
            set = TKernels.Load(_accelerator);
            _kernels[typeof(TKernels)] = set;
        }
        return (TKernels)set;
    }

    /// <summary>Counts one kernel launch and returns the kernel, so a call site reads <c>Launch(k.Relu)(n, x, y)</c>.</summary>
    internal TKernel Launch<TKernel>(TKernel kernel)
    {
        Counters.Launched();
        return kernel;
    }

    /// <summary>The tensor's elements as an ILGPU view of T.</summary>
    /// <exception cref="ArgumentException">The tensor lives on another device.</exception>
    /// <exception cref="GpuException">T is double and the device has no float64.</exception>
    internal ArrayView<T> View<T>(Tensor t) where T : unmanaged
    {
        if (t.Buffer is not GpuBuffer buffer || t.Device != this)
            throw new ArgumentException($"{t} does not live on {Name}");
        if (typeof(T) == typeof(double) && !SupportsFloat64)
            throw new GpuException($"{Name} does not support float64 (no cl_khr_fp64); float64 tensors (gradient checks) need another device");
        return buffer.View<T>(t.Length);
    }

    private ArrayView<byte> Bytes(Tensor t) => t.Buffer is GpuBuffer buffer && t.Device == this
        ? buffer.Memory.View.AsContiguous()
        : throw new ArgumentException($"{t} does not live on {Name}");

    /// <summary><see cref="View{T}"/> of an optional tensor, or of <paramref name="stand"/> when it is null: kernels take a
    /// flag with it and never read the stand-in.</summary>
    internal ArrayView<T> ViewOr<T>(Tensor? t, Tensor stand) where T : unmanaged => View<T>(t ?? stand);

    /// <summary>Grow-only scratch memory in slot <paramref name="slot"/>, at least <paramref name="bytes"/> long.</summary>
    private GpuBuffer ScratchBuffer(Scratch slot, long bytes)
    {
        GpuBuffer? buffer = _scratch[(int)slot];
        if (buffer == null || buffer.Bytes < bytes)
        {
            // The stream is in order: freeing waits for queued work that still uses the old buffer.
            buffer?.Dispose();
            buffer = (GpuBuffer)AllocateBuffer(Math.Max(bytes, 8));
            _scratch[(int)slot] = buffer;
        }
        return buffer;
    }

    /// <summary>Grow-only scratch memory in slot <paramref name="slot"/> as <paramref name="count"/> elements of T.</summary>
    private ArrayView<T> ScratchView<T>(Scratch slot, long count) where T : unmanaged => ScratchBuffer(slot, count * Interop.SizeOf<T>()).View<T>(count);

    /// <summary><paramref name="count"/> Int32 counters of <see cref="LastArrival"/> in <paramref name="slot"/>: zeroed when
    /// the buffer is (re)allocated, and left at zero by every launch that uses them.</summary>
    private ArrayView<int> ZeroedScratchView(Scratch slot, long count)
    {
        GpuBuffer? before = _scratch[(int)slot];
        var view = ScratchView<int>(slot, count);
        if (_scratch[(int)slot] != before)
        {
            var all = _scratch[(int)slot]!.View<int>(_scratch[(int)slot]!.Bytes / sizeof(int));
            Launch(Kernels<Ops.MemoryGpu.Kernels<int>>().Fill)(Stride(all.Length), all, 0, (int)all.Length);
        }
        return view;
    }

    /// <inheritdoc/>
    protected override DeviceBuffer AllocateBuffer(long bytes)
    {
        Counters.Allocated(bytes);
        try
        {
            return new GpuBuffer(_accelerator, bytes);
        }
        catch (Exception e) when (e is AcceleratorException or OutOfMemoryException)
        {
            throw new GpuException($"{Name}: could not allocate {bytes} bytes: {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public override void Upload<T>(Tensor destination, ReadOnlySpan<T> source)
    {
        CheckHostSpan<T>(destination, source.Length);
        if (source.IsEmpty) return;
        // Pinned: ILGPU takes the span's address, and a garbage collection must not move the array meanwhile.
        fixed (T* host = source) View<T>(destination).CopyFromCPU(ref *host, source.Length);
        Counters.Uploaded((long)source.Length * Interop.SizeOf<T>());
    }

    /// <inheritdoc/>
    public override void Download<T>(Tensor source, Span<T> destination)
    {
        CheckHostSpan<T>(source, destination.Length);
        if (destination.IsEmpty) return;
        fixed (T* host = destination) View<T>(source).CopyToCPU(ref *host, destination.Length);
        Counters.Downloaded((long)destination.Length * Interop.SizeOf<T>());
    }

    /// <summary>Reads the first <c>destination.Length</c> elements of a scratch buffer: the one blocking read-back of a
    /// reduction's result.</summary>
    private void ReadBack<T>(GpuBuffer buffer, Span<T> destination) where T : unmanaged
    {
        fixed (T* host = destination) buffer.View<T>(destination.Length).CopyToCPU(ref *host, destination.Length);
        Counters.Downloaded((long)destination.Length * Interop.SizeOf<T>());
    }

    /// <inheritdoc/>
    public override void Copy(Tensor source, Tensor destination)
    {
        CheckCopy(source, destination);
        if (source.Length == 0) return;
        // A device-side copy on the stream: counted with the kernel launches.
        long bytes = source.Length * source.DType.SizeInBytes();
        Bytes(source).SubView(0, bytes).CopyTo(Bytes(destination).SubView(0, bytes));
        Counters.Launched();
    }

    /// <inheritdoc/>
    public override void Synchronize() => _accelerator.Synchronize();

    /// <summary>Frees scratch memory, the accelerator (and its loaded kernels) and the context. Tensors must be disposed first.</summary>
    public override void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            DisposeUploads();
            foreach (GpuBuffer? buffer in _scratch) buffer?.Dispose();
            _kernels.Clear();
            _accelerator.Dispose();
            _context.Dispose();
        }
        base.Dispose();
    }
}
