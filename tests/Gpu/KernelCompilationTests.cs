using System.Reflection;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Backends;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Ops;

namespace NativeCnn.Tests.Gpu;

/// <summary>
/// Every GPU kernel, in float32 and float64, compiled by ILGPU's PTX backend (CUDA, sm_70) and its OpenCL C backend
/// (OpenCL C 2.0 with float64), without a device: ilgpu-cpu runs the kernels as .NET code, so this is what catches a
/// kernel that a GPU backend cannot translate (an unsupported intrinsic, a conversion, an exception) on machines
/// without a GPU.
/// </summary>
public class KernelCompilationTests
{
    private static readonly Context Context = Context.Create(builder => builder.EnableAlgorithms().Math(MathMode.Default));

    /// <summary>The static kernel methods of the <c>…Gpu</c> classes, instantiated as the devices load them.</summary>
    public static IEnumerable<TestCaseData> Kernels()
    {
        var ops = typeof(GemmGpu).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(GemmGpu).Namespace && t.IsAbstract && t.IsSealed && t.Name.EndsWith("Gpu", StringComparison.Ordinal));
        foreach (var type in ops)
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Static).Where(IsKernel))
                foreach (var real in new[] { typeof(float), typeof(double) })
                    foreach (var instance in Instantiate(method, real))
                        yield return new TestCaseData(instance).SetArgDisplayNames($"{type.Name}.{method.Name}<{string.Join(", ", instance.GetGenericArguments().Select(Name))}>");
    }

    // Kernels take views, or (the GEMM) operand readers and writers that hold them.
    private static bool IsKernel(MethodInfo m) =>
        m.ReturnType == typeof(void) && (m == GemmMultiply
            || m.GetParameters().Any(p => p.ParameterType.IsGenericType && p.ParameterType.GetGenericTypeDefinition() == typeof(ArrayView<>)));

    private static readonly MethodInfo GemmMultiply = typeof(GemmGpu).GetMethod(nameof(GemmGpu.Multiply))!;

    private static string Name(Type t) => t.IsGenericType ? t.Name[..t.Name.IndexOf('`')] + "<" + string.Join(", ", t.GetGenericArguments().Select(Name)) + ">" : t.Name;

    private static IEnumerable<MethodInfo> Instantiate(MethodInfo method, Type real)
    {
        if (!method.IsGenericMethodDefinition) { yield return method; yield break; }
        if (method.GetGenericArguments().Length == 1) { yield return method.MakeGenericMethod(real); yield break; }
        // GemmGpu.Multiply: the operand readers and writers of MatMul and of the three convolution passes.
        Type Of(Type open, params Type[] args) => open.MakeGenericType(args);
        var im2col = Of(typeof(ConvolutionGpu.Im2ColMatrix<>), real);
        (Type A, Type B, Type C)[] combinations =
        [
            (Of(typeof(DenseMatrix<>), real), Of(typeof(DenseMatrix<>), real), Of(typeof(DenseOutput<>), real)),
            (Of(typeof(DenseMatrix<>), real), im2col, Of(typeof(ConvolutionGpu.NchwOutput<>), real)),
            (Of(typeof(ConvolutionGpu.ChannelsFirstMatrix<>), real), Of(typeof(Transposed<,>), real, im2col), Of(typeof(DenseOutput<>), real)),
            (Of(typeof(ConvolutionGpu.TransposedKernelMatrix<>), real), Of(typeof(ConvolutionGpu.TransposedIm2ColMatrix<>), real), Of(typeof(ConvolutionGpu.NchwOutput<>), real)),
        ];
        foreach (var (a, b, c) in combinations)
            foreach (var tile in new[] { typeof(GpuTile), typeof(CpuTile) })
                yield return method.MakeGenericMethod(real, tile, a, b, c);
    }

    [TestCaseSource(nameof(Kernels))]
    public void Compiles_to_ptx(MethodInfo kernel)
    {
        var backend = new PTXBackend(Context, new CudaCapabilityContext(CudaArchitecture.SM_70), CudaArchitecture.SM_70, CudaInstructionSet.ISA_70, null);
        var compiled = (PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(kernel), KernelSpecialization.Empty);
        Assert.That(compiled.PTXAssembly, Does.Contain(".entry"));
    }

    [TestCaseSource(nameof(Kernels))]
    public void Compiles_to_opencl_c(MethodInfo kernel)
    {
        var capabilities = new CLCapabilityContext(float16: false, float64: true, genericAddressSpace: true, int64_Atomics: false, subGroups: false);
        var backend = new CLBackend(Context, capabilities, CLDeviceVendor.Other, CLCVersion.CL20);
        var compiled = (CLCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(kernel), KernelSpecialization.Empty);
        Assert.That(compiled.Source, Does.Contain("kernel"));
    }

    [OneTimeTearDown]
    public void DisposeContext() => Context.Dispose();
}
