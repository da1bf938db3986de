using System.Reflection;
using ILGPU;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.Frontend.Intrinsic;
using ILGPU.IR;
using ILGPU.IR.Intrinsics;
using ILGPU.IR.Values;

namespace NativeCnn.Engine.Devices.Gpu;

/// <summary>
/// A fused multiply-add that the GPU backends can compile. <c>Math.FusedMultiplyAdd</c> and <c>MathF.FusedMultiplyAdd</c>
/// (what <c>T.FusedMultiplyAdd</c> calls for float and double) are runtime intrinsics without IL, which ILGPU 1.5.3
/// turns into a call to an undefined external function: PTX that the CUDA driver refuses to link, OpenCL C that does not
/// compile. <see cref="EnableFusedMultiplyAdd"/> redirects both to the methods below, which PTX compiles to <c>fma.rn</c> and OpenCL C to
/// <c>fma()</c>: one rounding, as on the CPU. ILGPU's CPU accelerator runs the .NET code itself, where the runtime's
/// fused multiply-add is the hardware instruction.
/// </summary>
internal static class GpuMath
{
    private static readonly object Gate = new();
    private static bool _remapped;

    /// <summary>Adds the fused multiply-add code generators to a context being built (and, once per process, the
    /// redirection of the runtime's methods to <see cref="FusedMultiplyAdd(float, float, float)"/>).</summary>
    public static Context.Builder EnableFusedMultiplyAdd(this Context.Builder builder)
    {
        lock (Gate)
        {
            // The frontend's remapping table is process-wide.
            if (!_remapped)
            {
                RemappedIntrinsics.AddRemapping(typeof(MathF), typeof(GpuMath), nameof(FusedMultiplyAdd), typeof(float), typeof(float), typeof(float));
                RemappedIntrinsics.AddRemapping(typeof(Math), typeof(GpuMath), nameof(FusedMultiplyAdd), typeof(double), typeof(double), typeof(double));
                _remapped = true;
            }
        }
        var manager = builder.GetIntrinsicManager();
        foreach (var real in new[] { typeof(float), typeof(double) })
        {
            var method = typeof(GpuMath).GetMethod(nameof(FusedMultiplyAdd), BindingFlags.Public | BindingFlags.Static, [real, real, real])!;
            manager.RegisterMethod(method, new PTXIntrinsic(typeof(GpuMath), nameof(GeneratePtx), IntrinsicImplementationMode.GenerateCode));
            manager.RegisterMethod(method, new CLIntrinsic(typeof(GpuMath), nameof(GenerateOpenCl), IntrinsicImplementationMode.GenerateCode));
        }
        return builder;
    }

    /// <summary>a·b + c rounded once (float32).</summary>
    [IntrinsicImplementation]
    public static float FusedMultiplyAdd(float a, float b, float c) => MathF.FusedMultiplyAdd(a, b, c);

    /// <summary>a·b + c rounded once (float64).</summary>
    [IntrinsicImplementation]
    public static double FusedMultiplyAdd(double a, double b, double c) => Math.FusedMultiplyAdd(a, b, c);

    /// <summary>PTX: <c>fma.rn.f32</c> or <c>fma.rn.f64</c>.</summary>
    /// <param name="backend">The PTX backend.</param>
    /// <param name="codeGenerator">The kernel's code generator.</param>
    /// <param name="value">The call to <see cref="FusedMultiplyAdd(float, float, float)"/>.</param>
    public static void GeneratePtx(PTXBackend backend, PTXCodeGenerator codeGenerator, Value value)
    {
        var call = (MethodCall)value;
        var a = codeGenerator.LoadPrimitive(call[0]);
        var b = codeGenerator.LoadPrimitive(call[1]);
        var c = codeGenerator.LoadPrimitive(call[2]);
        var target = codeGenerator.AllocateHardware(value);
        using var command = codeGenerator.BeginCommand(call.Type.BasicValueType == BasicValueType.Float32 ? "fma.rn.f32" : "fma.rn.f64");
        command.AppendArgument(target);
        command.AppendArgument(a);
        command.AppendArgument(b);
        command.AppendArgument(c);
    }

    /// <summary>OpenCL C: the built-in <c>fma(a, b, c)</c>.</summary>
    /// <param name="backend">The OpenCL backend.</param>
    /// <param name="codeGenerator">The kernel's code generator.</param>
    /// <param name="value">The call to <see cref="FusedMultiplyAdd(float, float, float)"/>.</param>
    public static void GenerateOpenCl(CLBackend backend, CLCodeGenerator codeGenerator, Value value)
    {
        var call = (MethodCall)value;
        var statement = codeGenerator.BeginStatement(codeGenerator.Allocate(call));
        statement.AppendCommand("fma");
        statement.BeginArguments();
        foreach (var argument in call) statement.AppendArgument(codeGenerator.Load(argument));
        statement.EndArguments();
        statement.Finish();
    }
}
