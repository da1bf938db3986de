using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Serialization;

/// <summary>Copies a tensor's values to the host as float32, the element type every file NativeCnn writes stores.</summary>
public static class HostFloats
{
    /// <summary>The values of a float32 or float64 tensor (float64 rounded to float32), row-major.</summary>
    /// <param name="tensor">A tensor on any device.</param>
    /// <returns>A new array of <see cref="Tensor.Length"/> values.</returns>
    public static float[] Read(Tensor tensor)
    {
        var values = new float[tensor.Length];
        if (tensor.DType == DType.Float64)
        {
            var d = new double[tensor.Length];
            tensor.Device.Download<double>(tensor, d);
            for (int i = 0; i < d.Length; i++) values[i] = (float)d[i];
        }
        else tensor.Device.Download<float>(tensor, values);
        return values;
    }

    /// <summary>The index of the first NaN or infinity in <paramref name="values"/>, or -1 when every value is finite.</summary>
    public static int FirstNonFinite(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }
}
