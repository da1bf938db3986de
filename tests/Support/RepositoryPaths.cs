namespace NativeCnn.Tests.Support;

/// <summary>Locations the tests read in place: the repository root, its models/ and ../shared/data.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Models => Path.Combine(Root, "models");

    public static string SharedData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "data"));

    public static string Fer2013 => Path.Combine(SharedData, "fer2013");

    public static string Model(string name) => Path.Combine(Models, name + ".json");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NativeCnn.sln"))) return dir.FullName;
        throw new InvalidOperationException("NativeCnn.sln not found above " + TestContext.CurrentContext.TestDirectory);
    }
}
