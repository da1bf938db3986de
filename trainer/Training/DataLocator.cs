namespace NativeCnn.Trainer.Training;

/// <summary>
/// Finds FER-2013 when --data is not given. Search order:
/// 1. $NATIVECNN_DATA (a folder with train/ and test/, or a folder holding fer2013/);
/// 2. ./datasets/fer2013 (where the README tells users to unpack the Kaggle download);
/// 3. ../shared/data/fer2013 and ../../shared/data/fer2013 (this project's shared data, read in place).
/// </summary>
public static class DataLocator
{
    /// <summary>Environment variable that points at the data.</summary>
    public const string EnvironmentVariable = "NATIVECNN_DATA";

    /// <summary>The candidate folders, in search order.</summary>
    public static IEnumerable<string> Candidates()
    {
        string? env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env))
        {
            yield return env;
            yield return Path.Combine(env, "fer2013");
        }
        string cwd = Directory.GetCurrentDirectory();
        yield return Path.Combine(cwd, "datasets", "fer2013");
        yield return Path.GetFullPath(Path.Combine(cwd, "..", "shared", "data", "fer2013"));
        yield return Path.GetFullPath(Path.Combine(cwd, "..", "..", "shared", "data", "fer2013"));
    }

    /// <summary>Returns --data if given, else the first candidate that has train/ and test/ (or is a CSV file).</summary>
    /// <exception cref="CliException">Nothing found; the message lists where it looked.</exception>
    public static string Resolve(string? explicitPath)
    {
        if (!string.IsNullOrWhiteSpace(explicitPath)) return Path.GetFullPath(explicitPath);
        foreach (var c in Candidates())
            if (Directory.Exists(Path.Combine(c, "train")) && Directory.Exists(Path.Combine(c, "test"))) return c;
        throw new CliException("no FER-2013 data found; pass --data DIR (a folder with train/ and test/, or fer2013.csv) or set "
            + EnvironmentVariable + ". Looked in:\n  " + string.Join("\n  ", Candidates()));
    }
}
