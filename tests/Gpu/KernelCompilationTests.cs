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
using NativeCnn.Engine.Devices.Gpu;
using NativeCnn.Engine.Ops;

namespace NativeCnn.Tests.Gpu;

/// <summary>
/// Every GPU kernel, in float32 and float64, compiled by ILGPU's PTX backend (CUDA, sm_70) and its OpenCL C backend
/// (OpenCL C 2.0 with float64), without a device: ilgpu-cpu runs the kernels as .NET code, so this is what catches a
/// kernel that a GPU backend cannot translate (an unsupported intrinsic, a conversion, an exception), a call left to an
/// undefined external function (which the CUDA driver refuses to link), or a GEMM register tile spilled to local
/// memory, on machines without a GPU.
/// </summary>
public class KernelCompilationTests
{
    private static readonly Context Context = Context.Create(builder => builder.EnableAlgorithms().EnableFusedMultiplyAdd().Math(MathMode.Default));

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

    private static Type Of(Type open, params Type[] args) => open.MakeGenericType(args);

    private static IEnumerable<MethodInfo> Instantiate(MethodInfo method, Type real)
    {
        if (!method.IsGenericMethodDefinition) { yield return method; yield break; }
        if (method.GetGenericArguments().Length == 1) { yield return method.MakeGenericMethod(real); yield break; }
        foreach (var (tile, a, b, c) in GemmInstances(real))
            yield return method.MakeGenericMethod(real, tile, a, b, c);
    }

    /// <summary>The GEMM as the devices instantiate it: every tile shape the planner may pick for this element type on
    /// dense quads; with the default tile, every dense reader of MatMul as A and as B; and the three convolution passes
    /// (each with the writer it writes C through).</summary>
    private static IEnumerable<(Type Tile, Type A, Type B, Type C)> GemmInstances(Type real)
    {
        var dense = Of(typeof(DenseOutput<>), real);
        Type[] readers = [Of(typeof(RowMajorQuads<>), real), Of(typeof(RowMajorMatrix<>), real), Of(typeof(ColumnMajorQuads<>), real), Of(typeof(ColumnMajorMatrix<>), real)];
        bool float64 = real == typeof(double);
        var tiles = GemmPlanner.Candidates(float64).Concat(float64 ? [] : [GemmVariant.Gpu128x128x8Direct]).Select(TileType).ToList();
        foreach (var tile in tiles) yield return (tile, readers[0], readers[0], dense);
        var main = typeof(Tile128x128x8);
        foreach (var reader in readers.Skip(1))
        {
            yield return (main, reader, readers[0], dense);
            yield return (main, readers[0], reader, dense);
        }
        var im2col = Of(typeof(ConvolutionGpu.Im2ColMatrix<>), real);
        var nchw = Of(typeof(ConvolutionGpu.NchwOutput<>), real);
        foreach (var tile in new[] { main, TileType(GemmVariant.Gpu32x256x16) }.Where(_ => !float64).Append(main).Distinct())
        {
            yield return (tile, readers[0], im2col, nchw);
            yield return (tile, readers[1], im2col, nchw);
            yield return (tile, Of(typeof(ConvolutionGpu.ChannelsFirstMatrix<>), real), Of(typeof(Transposed<,>), real, im2col), dense);
            yield return (tile, Of(typeof(ConvolutionGpu.TransposedKernelMatrix<>), real), Of(typeof(ConvolutionGpu.TransposedIm2ColMatrix<>), real), nchw);
        }
    }

    private static Type TileType(GemmVariant variant) => variant switch
    {
        GemmVariant.Gpu128x128x8 => typeof(Tile128x128x8),
        GemmVariant.Gpu128x128x16 => typeof(Tile128x128x16),
        GemmVariant.Gpu128x128x8Direct => typeof(Tile128x128x8Direct),
        GemmVariant.Gpu128x64x8 => typeof(Tile128x64x8),
        GemmVariant.Gpu64x128x8 => typeof(Tile64x128x8),
        GemmVariant.Gpu64x64x8 => typeof(Tile64x64x8),
        GemmVariant.Gpu32x256x16 => typeof(Tile32x256x16),
        _ => throw new ArgumentOutOfRangeException(nameof(variant)),
    };

    [TestCaseSource(nameof(Kernels))]
    public void Compiles_to_ptx(MethodInfo kernel)
    {
        var backend = new PTXBackend(Context, new CudaCapabilityContext(CudaArchitecture.SM_70), CudaArchitecture.SM_70, CudaInstructionSet.ISA_70, null);
        var compiled = (PTXCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(kernel), KernelSpecialization.Empty);
        Assert.That(compiled.PTXAssembly, Does.Contain(".entry"));
        Assert.That(compiled.PTXAssembly, Does.Not.Contain(".extern"), "a call to an undefined function: the CUDA driver would not link the module");
        if (kernel.Name == nameof(GemmGpu.Multiply))
        {
            Assert.That(compiled.PTXAssembly, Does.Not.Contain(".local"), "the register tile and staged quads stay in registers");
            Assert.That(compiled.PTXAssembly, Does.Contain("ld.shared.v4").Or.Contain("ld.shared.v2"), "shared-memory fragments are read as vectors");
            Assert.That(compiled.PTXAssembly, Does.Contain("fma.rn."), "multiply-adds are fused");
        }
    }

    [TestCaseSource(nameof(Kernels))]
    public void Compiles_to_opencl_c(MethodInfo kernel)
    {
        var capabilities = new CLCapabilityContext(float16: false, float64: true, genericAddressSpace: true, int64_Atomics: false, subGroups: false);
        var backend = new CLBackend(Context, capabilities, CLDeviceVendor.Other, CLCVersion.CL20);
        var compiled = (CLCompiledKernel)backend.Compile(EntryPointDescription.FromExplicitlyGroupedKernel(kernel), KernelSpecialization.Empty);
        Assert.That(compiled.Source, Does.Contain("kernel"));
        Assert.That(compiled.Source, Does.Not.Contain("FusedMultiplyAdd"), "the runtime's fused multiply-add, undefined in OpenCL C, is mapped to fma()");
    }

    [OneTimeTearDown]
    public void DisposeContext() => Context.Dispose();
}
