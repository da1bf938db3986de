using System.Numerics;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices;

/// <summary>
/// An operation written once for any floating-point element type: <see cref="Real.Run{TOperation}"/> calls
/// <see cref="Run{T}"/> with T = float for a Float32 tensor and T = double for a Float64 one. Each device entry point
/// packs its arguments into a small struct of this kind, so the float32 training path and the float64 gradient checks
/// run the same generic code without a float/double twin per operation.
/// </summary>
internal interface IRealOperation
{
    /// <summary>Runs the operation with element type <typeparamref name="T"/>.</summary>
    void Run<T>() where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>Like <see cref="IRealOperation"/>, for operations that return a host value (a loss, a sum).</summary>
/// <typeparam name="TResult">The value returned to the host.</typeparam>
internal interface IRealFunction<out TResult>
{
    /// <summary>Runs the operation with element type <typeparamref name="T"/>.</summary>
    TResult Run<T>() where T : unmanaged, IFloatingPointIeee754<T>;
}

/// <summary>The one dtype dispatch of every device: Float32 → float, Float64 → double, anything else an error.</summary>
internal static class Real
{
    /// <summary>Runs <paramref name="operation"/> with the element type of <paramref name="tensor"/>.</summary>
    /// <exception cref="ArgumentException">The tensor is not Float32 or Float64.</exception>
    public static void Run<TOperation>(Tensor tensor, TOperation operation) where TOperation : struct, IRealOperation
    {
        switch (tensor.DType)
        {
            case DType.Float32: operation.Run<float>(); break;
            case DType.Float64: operation.Run<double>(); break;
            default: throw NotReal(tensor);
        }
    }

    /// <summary>Runs <paramref name="function"/> with the element type of <paramref name="tensor"/> and returns its value.</summary>
    /// <exception cref="ArgumentException">The tensor is not Float32 or Float64.</exception>
    public static TResult Run<TFunction, TResult>(Tensor tensor, TFunction function) where TFunction : struct, IRealFunction<TResult> =>
        tensor.DType switch
        {
            DType.Float32 => function.Run<float>(),
            DType.Float64 => function.Run<double>(),
            _ => throw NotReal(tensor),
        };

    private static ArgumentException NotReal(Tensor t) =>
        new($"expected a floating-point tensor (Float32 or Float64), got {t.DType} {t.ShapeString()}");
}
