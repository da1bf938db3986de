using System.Globalization;
using NativeCnn.Trainer.Training;

namespace NativeCnn.Trainer.Cli;

/// <summary>The one form of a rejected option value: "--name must be ..., got value", thrown before any file is touched.</summary>
internal static class OptionChecks
{
    /// <summary>Fails unless <paramref name="ok"/>.</summary>
    /// <param name="ok">Whether the value is acceptable.</param>
    /// <param name="option">The option, e.g. "--batch-size".</param>
    /// <param name="value">The value given.</param>
    /// <param name="expected">What it must be, e.g. "a positive integer".</param>
    /// <exception cref="CliException">Not <paramref name="ok"/>; the message names the option and the value.</exception>
    public static void Require(bool ok, string option, object? value, string expected)
    {
        if (!ok) throw new CliException($"{option} must be {expected}, got {Format(value)}");
    }

    /// <summary>Fails unless <paramref name="value"/> is a finite number of at least <paramref name="min"/>.</summary>
    /// <exception cref="CliException">NaN, infinite or below the minimum.</exception>
    public static void RequireFinite(double value, string option, double min = 0) =>
        Require(double.IsFinite(value) && value >= min, option, value, $"a finite number >= {Format(min)}");

    /// <summary>Fails when <paramref name="path"/> names an existing file where a folder is expected.</summary>
    /// <exception cref="CliException">It is a file.</exception>
    public static void RequireNotAFile(string? path, string option)
    {
        if (path is not null && File.Exists(path))
            throw new CliException($"{option} {path} is a file; expected a folder (an existing one, or a name that does not exist yet)");
    }

    private static string Format(object? value) => value switch
    {
        null => "nothing",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
