using NativeCnn.Engine.Layers;

namespace NativeCnn.Engine.Models;

/// <summary>
/// Turns a <see cref="LayerSpec"/> into a layer, applying Keras' defaults. A layer without an
/// explicit "name" is created unnamed; <see cref="Sequential.Add"/> names it (conv2d_1, dense_2, ...)
/// exactly as it names layers built in code.
/// </summary>
public static class LayerFactory
{
    /// <summary>The layer types an architecture file may use.</summary>
    public static readonly IReadOnlyList<string> Types = ["Conv2D", "BatchNormalization", "MaxPooling2D", "Dropout", "Flatten", "Dense", "Activation"];

    /// <summary>Creates the layer the spec describes.</summary>
    /// <exception cref="ModelFormatException">Unknown type or bad argument (message names the file and layer).</exception>
    public static Layer Create(LayerSpec spec)
    {
        string? name = spec.Name;
        try
        {
            switch (spec.Type)
            {
                case "Conv2D":
                    spec.AllowOnly("filters", "kernel_size", "strides", "padding", "activation", "use_bias", "kernel_regularizer");
                    return new Conv2D(spec.Int("filters"), spec.Pair("kernel_size"), spec.Pair("strides", (1, 1)),
                        Paddings.Parse(spec.String("padding", "valid")!), Activations.Parse(spec.String("activation", null)), spec.Bool("use_bias", true),
                        spec.Regularizer("kernel_regularizer"), name);
                case "Dense":
                    spec.AllowOnly("units", "activation", "use_bias", "kernel_regularizer");
                    return new Dense(spec.Int("units"), Activations.Parse(spec.String("activation", null)), spec.Bool("use_bias", true),
                        spec.Regularizer("kernel_regularizer"), name);
                case "BatchNormalization":
                    spec.AllowOnly("momentum", "epsilon");
                    return new BatchNormalization(spec.Number("momentum", 0.99), spec.Number("epsilon", 1e-3), name);
                case "MaxPooling2D":
                    spec.AllowOnly("pool_size", "strides");
                    var pool = spec.Pair("pool_size", (2, 2));
                    return new MaxPooling2D(pool, spec.Pair("strides", pool), name);
                case "Dropout":
                    spec.AllowOnly("rate");
                    return new Layers.Dropout(spec.Number("rate", double.NaN) is var r && double.IsNaN(r)
                        ? throw new ModelFormatException($"{spec.Source}: layers[{spec.Index}] (Dropout): missing 'rate'") : r, name);
                case "Flatten":
                    spec.AllowOnly();
                    return new Flatten(name);
                case "Activation":
                    spec.AllowOnly("activation");
                    return new ActivationLayer(Activations.Parse(spec.String("activation", null)
                        ?? throw new ModelFormatException($"{spec.Source}: layers[{spec.Index}] (Activation): missing 'activation'")), name);
                default:
                    throw new ModelFormatException(
                        $"{spec.Source}: layers[{spec.Index}]: unknown layer type '{spec.Type}'; supported: {string.Join(", ", Types)}");
            }
        }
        catch (ArgumentException e)
        {
            throw new ModelFormatException($"{spec.Source}: layers[{spec.Index}] ({spec.Type}): {e.Message}", e);
        }
    }

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
