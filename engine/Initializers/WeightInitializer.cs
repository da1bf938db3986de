using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Initializers;

/// <summary>
/// Keras' weight initialisers, drawn from a generator seeded by (run seed, layer index) so a
/// model built twice with the same seed has identical weights.
/// </summary>
public sealed class WeightInitializer
{
    private readonly System.Random _random;

    /// <summary>Creates the generator for layer <paramref name="layerIndex"/> of a run seeded with <paramref name="seed"/>.</summary>
    public WeightInitializer(ulong seed, uint layerIndex)
    {
        // SplitMix64 finaliser: neighbouring (seed, layer) pairs give unrelated streams.
        ulong z = seed + 0x9E3779B97F4A7C15UL * (layerIndex + 1UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        _random = new System.Random(unchecked((int)(z ^ (z >> 31))));
    }

    /// <summary>
    /// glorot_uniform (Glorot and Bengio 2010; Keras default): U(-l, l) with
    /// l = √(6 / (fanIn + fanOut)). For Conv2D fanIn = C·KH·KW and fanOut = O·KH·KW.
    /// </summary>
    public void GlorotUniform(Device device, Tensor tensor, int fanIn, int fanOut)
    {
        double limit = Math.Sqrt(6.0 / (fanIn + fanOut));
        var values = new double[tensor.Length];
        for (int i = 0; i < values.Length; i++) values[i] = (2 * _random.NextDouble() - 1) * limit;
        Upload(device, tensor, values);
    }

    /// <summary>Sets every element to <paramref name="value"/> (Keras zeros / ones initialisers).</summary>
    public static void Constant(Device device, Tensor tensor, double value) => device.Fill(tensor, value);

    private static void Upload(Device device, Tensor tensor, double[] values)
    {
        if (tensor.DType == DType.Float64) device.Upload<double>(tensor, values);
        else device.Upload<float>(tensor, Array.ConvertAll(values, v => (float)v));
    }
}
