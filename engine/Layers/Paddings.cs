using NativeCnn.Engine.Devices;

namespace NativeCnn.Engine.Layers;

/// <summary>Keras' names of the <see cref="Padding"/> modes: "valid" and "same".</summary>
public static class Paddings
{
    /// <summary>Parses a Keras padding name, case-insensitively.</summary>
    /// <exception cref="ArgumentException">Neither 'valid' nor 'same'.</exception>
    public static Padding Parse(string padding) => padding.ToLowerInvariant() switch
    {
        "valid" => Padding.Valid,
        "same" => Padding.Same,
        _ => throw new ArgumentException($"padding must be 'valid' or 'same', got '{padding}'"),
    };

    /// <summary>The Keras name: "valid" or "same".</summary>
    public static string KerasName(this Padding padding) => padding == Padding.Same ? "same" : "valid";
}
