namespace NativeCnn.Data.Fer2013;

/// <summary>FER-2013's fixed vocabulary: the seven emotion classes and the three Usage values.</summary>
public static class Fer2013Classes
{
    /// <summary>Image side in pixels: every FER-2013 image is 48x48 grayscale.</summary>
    public const int ImageSize = 48;

    /// <summary>Class names in Kaggle id order: angry=0, disgust=1, fear=2, happy=3, sad=4, surprise=5, neutral=6. These are also the folder names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"];

    /// <summary>The Usage values, which are also the file-name prefixes (<c>Training_123.jpg</c>).</summary>
    public static IReadOnlyList<string> Usages { get; } = ["Training", "PublicTest", "PrivateTest"];

    /// <summary>Split index of a Usage value (0 Training, 1 PublicTest, 2 PrivateTest), or -1 if unknown. Case-sensitive, as in the data.</summary>
    /// <param name="usage">A Usage value such as "PublicTest".</param>
    /// <returns>0, 1, 2 or -1.</returns>
    public static int UsageIndex(ReadOnlySpan<char> usage) => usage switch
    {
        "Training" => 0,
        "PublicTest" => 1,
        "PrivateTest" => 2,
        _ => -1,
    };

    /// <summary>Class id of an emotion folder name, or -1 if unknown. Ordinal, case-sensitive.</summary>
    /// <param name="name">Folder name such as "happy".</param>
    /// <returns>0..6 or -1.</returns>
    public static int ClassIndex(string name)
    {
        for (int i = 0; i < Names.Count; i++)
        {
            if (string.Equals(Names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}
