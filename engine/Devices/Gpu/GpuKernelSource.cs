using System.Reflection;

namespace NativeCnn.Engine.Devices.Gpu;

/// <summary>
/// The one kernel source shared by OpenCL and CUDA: the <c>.cl</c> files embedded in this
/// assembly (engine/Devices/Gpu/Kernels), concatenated in a fixed order. CUDA gets the same
/// text behind <c>cuda_compat.h</c>, which maps OpenCL C onto CUDA C++ for NVRTC.
/// </summary>
internal static class GpuKernelSource
{
    /// <summary>Files in the order they are concatenated; common.cl defines <c>real</c> and helpers the others use.</summary>
    private static readonly string[] Files =
        ["common.cl", "elementwise.cl", "reductions.cl", "gemm.cl", "convolution.cl", "batchnorm.cl",
         "pooling.cl", "softmax.cl", "dropout.cl", "optimizers.cl"];

    /// <summary>Preprocessor symbol that selects <c>real</c> = double (see common.cl).</summary>
    public const string Float64Define = "NATIVECNN_REAL_DOUBLE";

    private static readonly Lazy<string> OpenClText = new(() => string.Concat(Files.Select(Read)));

    /// <summary>The kernels as OpenCL C 1.2.</summary>
    public static string OpenCl => OpenClText.Value;

    /// <summary>The kernels as CUDA C++: the compatibility header followed by the OpenCL source.</summary>
    public static string Cuda => Read("cuda_compat.h") + OpenClText.Value;

    private static string Read(string file)
    {
        string resource = "NativeCnn.Kernels." + file;
        using Stream stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"kernel source {resource} is not embedded in {Assembly.GetExecutingAssembly().GetName().Name}");
        using var reader = new StreamReader(stream);
        // A #line directive makes compiler messages name the file they come from.
        return $"#line 1 \"{file}\"\n" + reader.ReadToEnd() + "\n";
    }
}
