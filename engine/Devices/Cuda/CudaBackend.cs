using System.Runtime.InteropServices;
using System.Text;
using NativeCnn.Engine.Devices.Gpu;
using static NativeCnn.Engine.Devices.Cuda.CudaApi;
using static NativeCnn.Engine.Devices.Cuda.NvrtcApi;

namespace NativeCnn.Engine.Devices.Cuda;

/// <summary>
/// <see cref="IGpuBackend"/> on one CUDA device through the driver API: a context, the default
/// stream (so launches and copies run in order), and NVRTC compiling the shared OpenCL C kernels
/// behind cuda_compat.h for the device's own architecture (sm_XY).
/// </summary>
/// <remarks>A CUDA context is current per thread, so every entry point makes ours current first.</remarks>
internal sealed unsafe class CudaBackend : IGpuBackend
{
    private nint _context;

    /// <summary>Creates a context on device <paramref name="info"/>.</summary>
    /// <exception cref="GpuException">NVRTC is missing or the context cannot be created.</exception>
    public CudaBackend(CudaDeviceInfo info)
    {
        Info = info;
        if (!NativeGpuLibraries.TryLoad(NativeGpuLibraries.Nvrtc, out _, out string reason))
            throw new GpuException($"CUDA device {info.Index} ({info.Name}) found, but NVRTC is not available: {reason}");
        int device;
        CudaErrors.Check(cuDeviceGet(&device, info.Index), "cuDeviceGet");
        nint context;
        CudaErrors.Check(cuCtxCreate_v2(&context, 0, device), "cuCtxCreate_v2");
        _context = context;
    }

    /// <summary>What the driver reported about the device.</summary>
    public CudaDeviceInfo Info { get; }

    public string Name => $"cuda:{Info.Index} ({Info.Name}, {Info.Architecture})";

    public bool SupportsFloat64 => true;

    private void MakeCurrent() => CudaErrors.Check(cuCtxSetCurrent(_context), "cuCtxSetCurrent");

    public nint Allocate(long bytes)
    {
        MakeCurrent();
        ulong address;
        int status = cuMemAlloc_v2(&address, (nuint)Math.Max(bytes, 1));
        if (status != 0) throw CudaErrors.Failure(status, "cuMemAlloc_v2", $" allocating {bytes} bytes on {Name}");
        return (nint)address;
    }

    public void Free(nint buffer)
    {
        // Destroying the context freed all of its memory; a tensor disposed after its device has nothing left to free.
        if (_context == 0) return;
        MakeCurrent();
        CudaErrors.Check(cuMemFree_v2((ulong)buffer), "cuMemFree_v2");
    }

    public void Write(nint buffer, long offset, void* source, long bytes)
    {
        if (bytes == 0) return;
        MakeCurrent();
        CudaErrors.Check(cuMemcpyHtoD_v2((ulong)buffer + (ulong)offset, source, (nuint)bytes), "cuMemcpyHtoD_v2");
    }

    public void Read(nint buffer, long offset, void* destination, long bytes)
    {
        if (bytes == 0) return;
        MakeCurrent();
        // Synchronous copy on the default stream: it waits for the kernels queued before it.
        CudaErrors.Check(cuMemcpyDtoH_v2(destination, (ulong)buffer + (ulong)offset, (nuint)bytes), "cuMemcpyDtoH_v2");
    }

    public nint Compile(string source, IReadOnlyList<string> defines)
    {
        MakeCurrent();
        byte[] image = CompileToImage(source, defines);
        nint module;
        fixed (byte* i = image) CudaErrors.Check(cuModuleLoadData(&module, i), "cuModuleLoadData");
        return module;
    }

    /// <summary>NVRTC: source → cubin for this device's sm_XY (PTX if this NVRTC cannot emit a cubin).</summary>
    private byte[] CompileToImage(string source, IReadOnlyList<string> defines)
    {
        byte[] text = Encoding.UTF8.GetBytes(source + "\0"), name = "nativecnn_kernels.cu\0"u8.ToArray();
        nint program;
        fixed (byte* t = text, n = name) CudaErrors.CheckNvrtc(nvrtcCreateProgram(&program, t, n, 0, null, null), "nvrtcCreateProgram");
        try
        {
            var options = new List<string> { "--gpu-architecture=" + Info.Architecture };
            options.AddRange(defines.Select(d => "-D" + d));
            byte[][] optionBytes = options.Select(o => Encoding.UTF8.GetBytes(o + "\0")).ToArray();
            var handles = optionBytes.Select(o => GCHandle.Alloc(o, GCHandleType.Pinned)).ToArray();
            try
            {
                byte** pointers = stackalloc byte*[handles.Length];
                for (int i = 0; i < handles.Length; i++) pointers[i] = (byte*)handles[i].AddrOfPinnedObject();
                int status = nvrtcCompileProgram(program, handles.Length, pointers);
                CudaErrors.CheckNvrtc(status, "nvrtcCompileProgram", $" with options '{string.Join(" ", options)}'; build log:\n{Log(program)}");
            }
            finally
            {
                foreach (var h in handles) h.Free();
            }
            if (TryGetCubin(program) is { } cubin) return cubin;
            nuint size;
            CudaErrors.CheckNvrtc(nvrtcGetPTXSize(program, &size), "nvrtcGetPTXSize");
            var ptx = new byte[(int)size];
            fixed (byte* p = ptx) CudaErrors.CheckNvrtc(nvrtcGetPTX(program, p), "nvrtcGetPTX");
            return ptx;
        }
        finally
        {
            nvrtcDestroyProgram(&program);
        }
    }

    /// <summary>The cubin NVRTC made for sm_XY, or null where this NVRTC (before 11.1) has no nvrtcGetCUBIN.</summary>
    private static byte[]? TryGetCubin(nint program)
    {
        try
        {
            nuint size;
            if (nvrtcGetCUBINSize(program, &size) != 0 || size == 0) return null;
            var cubin = new byte[(int)size];
            fixed (byte* c = cubin) CudaErrors.CheckNvrtc(nvrtcGetCUBIN(program, c), "nvrtcGetCUBIN");
            return cubin;
        }
        catch (EntryPointNotFoundException)
        {
            return null;
        }
    }

    private static string Log(nint program)
    {
        nuint size;
        if (nvrtcGetProgramLogSize(program, &size) != 0 || size == 0) return "(no log)";
        var log = new byte[(int)size];
        fixed (byte* l = log)
            if (nvrtcGetProgramLog(program, l) != 0) return "(no log)";
        return Encoding.UTF8.GetString(log).TrimEnd('\0');
    }

    public nint GetKernel(nint program, string name)
    {
        MakeCurrent();
        byte[] bytes = Encoding.ASCII.GetBytes(name + "\0");
        nint function;
        int status;
        fixed (byte* b = bytes) status = cuModuleGetFunction(&function, program, b);
        if (status != 0) throw CudaErrors.Failure(status, "cuModuleGetFunction", $" for kernel '{name}'");
        return function;
    }

    public void Launch(nint kernel, (int X, int Y) groups, (int X, int Y) groupSize, ReadOnlySpan<KernelArg> args)
    {
        MakeCurrent();
        // cuLaunchKernel takes one pointer per argument, each to the argument's value.
        ulong* values = stackalloc ulong[args.Length];
        void** pointers = stackalloc void*[args.Length];
        for (int i = 0; i < args.Length; i++)
        {
            values[i] = args[i].Bits;
            pointers[i] = &values[i];
        }
        CudaErrors.Check(cuLaunchKernel(kernel, (uint)groups.X, (uint)groups.Y, 1, (uint)groupSize.X, (uint)groupSize.Y, 1,
            0, 0, pointers, null), "cuLaunchKernel");
    }

    public void Finish()
    {
        MakeCurrent();
        CudaErrors.Check(cuCtxSynchronize(), "cuCtxSynchronize");
    }

    public void ReleaseProgram(nint program, IEnumerable<nint> kernels)
    {
        // Functions belong to their module; unloading the module releases them.
        MakeCurrent();
        cuModuleUnload(program);
    }

    public void Dispose()
    {
        if (_context == 0) return;
        cuCtxSynchronize();
        cuCtxDestroy_v2(_context);
        _context = 0;
    }
}
