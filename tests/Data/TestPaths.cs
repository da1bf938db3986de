using NUnit.Framework;

namespace NativeCnn.Tests.Data;

/// <summary>Locates the repository and the shared read-only datasets, and makes scratch folders.</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> Root = new(FindRepoRoot);

    /// <summary>The folder holding NativeCnn.sln.</summary>
    public static string RepoRoot => Root.Value;

    /// <summary><c>&lt;repo&gt;/../shared/data</c>: the datasets, read in place, never copied into the repo.</summary>
    public static string SharedData => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", "data"));

    public static string Fer2013Folder => Path.Combine(SharedData, "fer2013");

    public static string Fer2013HeadCsv => Path.Combine(SharedData, "fer2013-csv", "fer2013_head.csv");

    /// <summary>A fresh, empty scratch folder under the system temp folder; the caller deletes it.</summary>
    public static string NewTempFolder()
    {
        string path = Path.Combine(Path.GetTempPath(), "nativecnn-data-tests-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public static void DeleteFolder(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }

    private static string FindRepoRoot()
    {
        for (DirectoryInfo? dir = new(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "NativeCnn.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"NativeCnn.sln not found above {TestContext.CurrentContext.TestDirectory}.");
    }
}
