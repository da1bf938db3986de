using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Layers;

namespace NativeCnn.Engine.Models;

/// <summary>Turns a <see cref="LayerSpec"/> into a layer, applying Keras' defaults and naming (conv2d_1, dense_2, ...).</summary>
public static class LayerFactory
{
    /// <summary>Creates the layer; <paramref name="typeCounts"/> tracks the per-type numbering for default names.</summary>
    /// <exception cref="ModelFormatException">Unknown type or bad argument (message names the file and layer).</exception>
    public static Layer Create(LayerSpec spec, Dictionary<string, int> typeCounts)
    {
        typeCounts[spec.Type] = typeCounts.GetValueOrDefault(spec.Type) + 1;
        string name = spec.Name ?? $"{SnakeCase(spec.Type)}_{typeCounts[spec.Type]}";
        try
        {
            switch (spec.Type)
            {
                case "Conv2D":
                    spec.AllowOnly("filters", "kernel_size", "strides", "padding", "activation", "use_bias", "kernel_regularizer");
                    return new Conv2D(name, spec.Int("filters"), spec.Pair("kernel_size"), spec.Pair("strides", (1, 1)),
                        ParsePadding(spec.String("padding", "valid")!), Activations.Parse(spec.String("activation", null)), spec.Bool("use_bias", true),
                        spec.Regularizer("kernel_regularizer"));
                case "Dense":
                    spec.AllowOnly("units", "activation", "use_bias", "kernel_regularizer");
                    return new Dense(name, spec.Int("units"), Activations.Parse(spec.String("activation", null)), spec.Bool("use_bias", true),
                        spec.Regularizer("kernel_regularizer"));
                case "BatchNormalization":
                    spec.AllowOnly("momentum", "epsilon");
                    return new BatchNormalization(name, spec.Number("momentum", 0.99), spec.Number("epsilon", 1e-3));
                case "MaxPooling2D":
                    spec.AllowOnly("pool_size", "strides");
                    var pool = spec.Pair("pool_size", (2, 2));
                    return new MaxPooling2D(name, pool, spec.Pair("strides", pool));
                case "Dropout":
                    spec.AllowOnly("rate");
                    return new Layers.Dropout(name, spec.Number("rate", double.NaN) is var r && double.IsNaN(r)
                        ? throw new ModelFormatException($"{spec.Source}: layers[{spec.Index}] (Dropout): missing 'rate'") : r);
                case "Flatten":
                    spec.AllowOnly();
                    return new Flatten(name);
                case "Activation":
                    spec.AllowOnly("activation");
                    return new ActivationLayer(name, Activations.Parse(spec.String("activation", null)
                        ?? throw new ModelFormatException($"{spec.Source}: layers[{spec.Index}] (Activation): missing 'activation'")));
                default:
                    throw new ModelFormatException(
                        $"{spec.Source}: layers[{spec.Index}]: unknown layer type '{spec.Type}'; supported: Conv2D, BatchNormalization, MaxPooling2D, Dropout, Flatten, Dense, Activation");
            }
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException($"{spec.Source}: layers[{spec.Index}] ({spec.Type}): {e.Message}", e);
        }
    }

    private static Padding ParsePadding(string padding) => padding.ToLowerInvariant() switch
    {
        "valid" => Padding.Valid,
        "same" => Padding.Same,
        _ => throw new ArgumentException($"padding must be 'valid' or 'same', got '{padding}'"),
    };

    /// <summary>Keras' default layer-name stem: Conv2D → conv2d, BatchNormalization → batch_normalization.</summary>
    public static string SnakeCase(string type)
    {
        var sb = new System.Text.StringBuilder();
        for (int i = 0; i < type.Length; i++)
        {
            char c = type[i];
            if (char.IsUpper(c) && i > 0 && char.IsLower(type[i - 1])) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }
}
