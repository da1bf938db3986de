using System.Text;
using NativeCnn.Engine.Devices.Gpu;
using static NativeCnn.Engine.Devices.OpenCl.OpenClApi;

namespace NativeCnn.Engine.Devices.OpenCl;

/// <summary>
/// <see cref="IGpuBackend"/> on one OpenCL device: a context and one in-order command queue.
/// Kernels are built from source by the platform's compiler; host copies are blocking.
/// </summary>
internal sealed unsafe class OpenClBackend : IGpuBackend
{
    private readonly nint _device;
    private nint _context, _queue;

    /// <summary>Opens device <paramref name="found"/>.</summary>
    /// <exception cref="GpuException">The context or queue cannot be created.</exception>
    public OpenClBackend(OpenClDiscovery.Found found)
    {
        _device = found.Device;
        Info = found.Info;
        nint device = _device;
        int status;
        _context = clCreateContext(null, 1, &device, 0, 0, &status);
        OpenClErrors.Check(status, "clCreateContext");
        _queue = clCreateCommandQueue(_context, _device, 0, &status);
        if (status != 0)
        {
            clReleaseContext(_context);
            throw OpenClErrors.Failure(status, "clCreateCommandQueue");
        }
    }

    /// <summary>What the device reported about itself.</summary>
    public OpenClDeviceInfo Info { get; }

    public string Name => $"opencl:{Info.Index} ({Info.Name})";

    public bool SupportsFloat64 => Info.SupportsFloat64;

    public nint Allocate(long bytes)
    {
        int status;
        nint buffer = clCreateBuffer(_context, MemReadWrite, (nuint)Math.Max(bytes, 1), null, &status);
        if (status != 0) throw OpenClErrors.Failure(status, "clCreateBuffer", $" allocating {bytes} bytes on {Name}");
        return buffer;
    }

    public void Free(nint buffer) => OpenClErrors.Check(clReleaseMemObject(buffer), "clReleaseMemObject");

    public void Write(nint buffer, long offset, void* source, long bytes)
    {
        if (bytes == 0) return;
        OpenClErrors.Check(clEnqueueWriteBuffer(_queue, buffer, 1, (nuint)offset, (nuint)bytes, source, 0, null, null), "clEnqueueWriteBuffer");
    }

    public void Read(nint buffer, long offset, void* destination, long bytes)
    {
        if (bytes == 0) return;
        OpenClErrors.Check(clEnqueueReadBuffer(_queue, buffer, 1, (nuint)offset, (nuint)bytes, destination, 0, null, null), "clEnqueueReadBuffer");
    }

    public nint Compile(string source, IReadOnlyList<string> defines)
    {
        byte[] text = Encoding.UTF8.GetBytes(source);
        int status;
        nint program;
        fixed (byte* t = text)
        {
            byte* strings = t;
            nuint length = (nuint)text.Length;
            program = clCreateProgramWithSource(_context, 1, &strings, &length, &status);
        }
        OpenClErrors.Check(status, "clCreateProgramWithSource");
        string options = string.Join(" ", defines.Select(d => "-D " + d)) + " -cl-std=CL1.2";
        byte[] optionBytes = Encoding.UTF8.GetBytes(options + "\0");
        nint device = _device;
        fixed (byte* o = optionBytes) status = clBuildProgram(program, 1, &device, o, 0, 0);
        if (status != 0)
        {
            string log = BuildLog(program);
            clReleaseProgram(program);
            throw OpenClErrors.Failure(status, "clBuildProgram", $" with options '{options}' on {Name}; build log:\n{log}");
        }
        return program;
    }

    private string BuildLog(nint program)
    {
        nuint size;
        if (clGetProgramBuildInfo(program, _device, ProgramBuildLog, 0, null, &size) != 0) return "(no build log)";
        var bytes = new byte[(int)size];
        fixed (byte* b = bytes)
            if (clGetProgramBuildInfo(program, _device, ProgramBuildLog, size, b, null) != 0) return "(no build log)";
        return Encoding.UTF8.GetString(bytes).TrimEnd('\0');
    }

    public nint GetKernel(nint program, string name)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(name + "\0");
        int status;
        nint kernel;
        fixed (byte* b = bytes) kernel = clCreateKernel(program, b, &status);
        if (status != 0) throw OpenClErrors.Failure(status, "clCreateKernel", $" for kernel '{name}'");
        return kernel;
    }

    public void Launch(nint kernel, (int X, int Y) groups, (int X, int Y) groupSize, ReadOnlySpan<KernelArg> args)
    {
        for (int i = 0; i < args.Length; i++)
        {
            ulong bits = args[i].Bits;
            int status = clSetKernelArg(kernel, (uint)i, (nuint)args[i].Size, &bits);
            if (status != 0) throw OpenClErrors.Failure(status, "clSetKernelArg", $" for argument {i}");
        }
        nuint* global = stackalloc nuint[2] { (nuint)((long)groups.X * groupSize.X), (nuint)((long)groups.Y * groupSize.Y) };
        nuint* local = stackalloc nuint[2] { (nuint)groupSize.X, (nuint)groupSize.Y };
        OpenClErrors.Check(clEnqueueNDRangeKernel(_queue, kernel, 2, null, global, local, 0, null, null), "clEnqueueNDRangeKernel");
    }

    public void Finish() => OpenClErrors.Check(clFinish(_queue), "clFinish");

    public void ReleaseProgram(nint program, IEnumerable<nint> kernels)
    {
        foreach (nint kernel in kernels) clReleaseKernel(kernel);
        clReleaseProgram(program);
    }

    public void Dispose()
    {
        if (_queue != 0)
        {
            clFinish(_queue);
            clReleaseCommandQueue(_queue);
            _queue = 0;
        }
        if (_context != 0)
        {
            clReleaseContext(_context);
            _context = 0;
        }
    }
}
