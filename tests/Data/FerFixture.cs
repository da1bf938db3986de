namespace NativeCnn.Tests.Data;

/// <summary>
/// Builds a tiny FER-2013 folder tree in a temp folder from real JPEGs: in train/ one Training
/// image per emotion, in test/ one PublicTest and one PrivateTest image per emotion (7 + 14
/// files). Tests then break it in one specific way.
/// </summary>
internal sealed class FerFixture : IDisposable
{
    public static readonly string[] Emotions = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"];

    public FerFixture()
    {
        Folder = TestPaths.NewTempFolder();
        Root = Path.Combine(Folder, "fer");
        foreach (string emotion in Emotions)
        {
            CopyFirst("train", emotion, "Training_");
            CopyFirst("test", emotion, "PublicTest_");
            CopyFirst("test", emotion, "PrivateTest_");
        }
    }

    /// <summary>Scratch folder (deleted on Dispose); holds the tree and any cache.</summary>
    public string Folder { get; }

    /// <summary>The FER-2013 root (holds train/ and test/).</summary>
    public string Root { get; }

    public string CacheFolder => Path.Combine(Folder, "cache");

    /// <summary>Path of some file in the fixture, e.g. ("train", "happy", "Training_").</summary>
    public string FileIn(string split, string emotion) =>
        Directory.GetFiles(Path.Combine(Root, split, emotion)).OrderBy(p => p, StringComparer.Ordinal).First();

    public void Dispose() => TestPaths.DeleteFolder(Folder);

    private void CopyFirst(string split, string emotion, string prefix)
    {
        string source = Directory.GetFiles(Path.Combine(TestPaths.Fer2013Folder, split, emotion), prefix + "*.jpg")
            .OrderBy(p => p, StringComparer.Ordinal).First();
        string targetFolder = Path.Combine(Root, split, emotion);
        Directory.CreateDirectory(targetFolder);
        File.Copy(source, Path.Combine(targetFolder, Path.GetFileName(source)));
    }
}
