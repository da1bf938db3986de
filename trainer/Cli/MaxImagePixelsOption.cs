using System.CommandLine;
using NativeCnn.Data.Imaging;

namespace NativeCnn.Trainer.Cli;

/// <summary>The <c>--max-image-pixels</c> option of train, evaluate and predict: the decoder's pixel limit.</summary>
internal static class MaxImagePixelsOption
{
    /// <summary>A new instance of the option (System.CommandLine options belong to one command each).</summary>
    public static Option<long> Create() => new("--max-image-pixels")
    {
        Description = $"Largest image decoded, in pixels (width x height); a larger one is reported after its header is read and never decoded [default: {GrayImageDecoder.DefaultMaxPixels:N0}, 8192 x 8192]",
        DefaultValueFactory = _ => GrayImageDecoder.DefaultMaxPixels,
    };

    /// <summary>Fails unless <paramref name="value"/> is a usable limit.</summary>
    /// <exception cref="Training.CliException">Not positive.</exception>
    public static void Validate(long value) => OptionChecks.Require(value >= 1, "--max-image-pixels", value, "at least 1");
}
