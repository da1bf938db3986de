namespace NativeCnn.Data.Muxspace;

/// <summary>The eight emotion classes of muxspace/facial_expressions.</summary>
public static class MuxspaceClasses
{
    /// <summary>
    /// Class names in id order: anger=0, contempt=1, disgust=2, fear=3, happiness=4, neutral=5,
    /// sadness=6, surprise=7. Alphabetical, because the seeds fed Keras' flow_from_directory,
    /// which sorts class folders; it is the class order of models/seed000.json and seed003.json.
    /// </summary>
    public static IReadOnlyList<string> Names { get; } =
        ["anger", "contempt", "disgust", "fear", "happiness", "neutral", "sadness", "surprise"];

    /// <summary>Class id of a legend label, or -1 if unknown. Case-insensitive (the legend mixes "happiness" and "HAPPINESS"); surrounding spaces are ignored.</summary>
    /// <param name="label">The emotion field of a legend row.</param>
    /// <returns>0..7 or -1.</returns>
    public static int ClassIndex(ReadOnlySpan<char> label)
    {
        ReadOnlySpan<char> trimmed = label.Trim();
        for (int i = 0; i < Names.Count; i++)
        {
            if (trimmed.Equals(Names[i], StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }
        return -1;
    }
}
