using System.CommandLine;

namespace NativeCnn.Trainer.Cli;

/// <summary>The <c>--cache-dir</c> option that train and evaluate share.</summary>
internal static class CacheDirOption
{
    /// <summary>A new instance of the option (System.CommandLine options belong to one command each).</summary>
    public static Option<string?> Create() => new("--cache-dir")
    {
        Description = "Decoded-dataset cache folder (default: NATIVECNN_CACHE_DIR, else $XDG_CACHE_HOME/nativecnn, else ~/.cache/nativecnn)",
    };
}
