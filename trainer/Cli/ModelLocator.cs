using NativeCnn.Engine.Models;
using NativeCnn.Trainer.Training;

namespace NativeCnn.Trainer.Cli;

/// <summary>Resolves --model: a path to an architecture JSON file, or the name of one shipped in models/ (seed002, ...).</summary>
public static class ModelLocator
{
    private static IEnumerable<string> Folders()
    {
        yield return Path.Combine(AppContext.BaseDirectory, "models");
        yield return Path.Combine(Directory.GetCurrentDirectory(), "models");
    }

    /// <summary>Names of the shipped architectures.</summary>
    public static IEnumerable<string> Available() => Folders().Where(Directory.Exists)
        .SelectMany(d => Directory.GetFiles(d, "*.json")).Select(Path.GetFileNameWithoutExtension).OfType<string>().Distinct().Order();

    /// <summary>Loads the architecture.</summary>
    /// <exception cref="CliException">Not a file and not a known name; the message lists the known names.</exception>
    /// <exception cref="ModelFormatException">The file is not a valid architecture.</exception>
    public static ArchitectureSpec Load(string model)
    {
        if (File.Exists(model)) return ArchitectureSpec.Load(model);
        foreach (var folder in Folders())
        {
            string path = Path.Combine(folder, model + ".json");
            if (File.Exists(path)) return ArchitectureSpec.Load(path);
        }
        throw new CliException($"unknown model '{model}': not a file, and not one of: {string.Join(", ", Available())}");
    }
}
