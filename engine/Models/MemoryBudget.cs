using System.Globalization;

namespace NativeCnn.Engine.Models;

/// <summary>
/// The most memory a model may plan to use, checked by <see cref="ModelFootprint"/> before anything is
/// allocated: 8 GiB unless the environment variable <c>NATIVECNN_MEMORY_LIMIT</c> says otherwise
/// (a size such as <c>32G</c>, <c>1.5G</c>, <c>800M</c> or a number of bytes). 8 GiB is about six
/// times what the largest shipped model, nativecnn-vgg, needs to train at batch 64, and well inside
/// the 24 GiB of the project's machines; a larger model or batch on a larger machine or GPU raises it.
/// </summary>
public static class MemoryBudget
{
    /// <summary>The environment variable that sets the budget.</summary>
    public const string EnvironmentVariable = "NATIVECNN_MEMORY_LIMIT";

    /// <summary>The budget when the environment variable is not set: 8 GiB.</summary>
    public const long DefaultBytes = 8L << 30;

    /// <summary>The budget in bytes: <see cref="EnvironmentVariable"/> when set, else <see cref="DefaultBytes"/>.</summary>
    /// <exception cref="ArgumentException">The variable is set to something that is not a positive size.</exception>
    public static long Bytes => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } text ? Parse(text) : DefaultBytes;

    /// <summary>Parses a size: a number of bytes, or a number followed by K, M, G or T (powers of 1024; an optional trailing B or iB).</summary>
    /// <exception cref="ArgumentException">Not a positive size; the message names the variable and the value.</exception>
    public static long Parse(string text)
    {
        string s = text.Trim().ToUpperInvariant();
        if (s.EndsWith("IB", StringComparison.Ordinal)) s = s[..^2];
        else if (s.Length > 1 && s.EndsWith('B') && char.IsLetter(s[^2])) s = s[..^1];
        int shift = s.Length == 0 ? 0 : s[^1] switch { 'K' => 10, 'M' => 20, 'G' => 30, 'T' => 40, _ => 0 };
        if (shift > 0) s = s[..^1];
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !(value > 0) || value * Math.Pow(2, shift) >= long.MaxValue)
            throw new ArgumentException($"{EnvironmentVariable} is '{text}'; expected a size such as 16G, 1.5G, 800M or a number of bytes");
        return (long)(value * Math.Pow(2, shift));
    }

    /// <summary>A byte count for messages: "12.4 GB", "850 MB", "3 KB" (powers of 1024).</summary>
    public static string Format(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.#} GB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{Math.Max(1, bytes / 1024)} KB"),
    };
}
