using NativeCnn.Data;

namespace NativeCnn.Training;

/// <summary>Combining and relabelling <see cref="LabeledImageSet"/>s for scoring whole data sets.</summary>
internal static class ImageSets
{
    /// <summary>The images of every set, in order, in one new set.</summary>
    /// <exception cref="ArgumentException">The sets differ in image size or classes.</exception>
    public static LabeledImageSet Concatenate(params LabeledImageSet[] sets)
    {
        var first = sets[0];
        if (sets.Any(s => s.SampleSize != first.SampleSize || s.Height != first.Height || !s.ClassNames.SequenceEqual(first.ClassNames)))
            throw new ArgumentException("the sets to concatenate differ in image size or classes");
        var pixels = new byte[sets.Sum(s => (long)s.Pixels.Length)];
        long offset = 0;
        foreach (var s in sets)
        {
            Array.Copy(s.Pixels, 0, pixels, offset, s.Pixels.Length);
            offset += s.Pixels.Length;
        }
        var sources = sets.All(s => s.SourceFiles != null) ? sets.SelectMany(s => s.SourceFiles!).ToList() : null;
        return new LabeledImageSet(pixels, [.. sets.SelectMany(s => s.Labels)], first.Channels, first.Height, first.Width, first.ClassNames, sources);
    }

    /// <summary>The same images with each label renamed into <paramref name="classes"/>, a list that holds every class of <paramref name="set"/>.</summary>
    public static LabeledImageSet Relabel(LabeledImageSet set, IReadOnlyList<string> classes)
    {
        int[] map = set.ClassNames.Select(name => classes.ToList().IndexOf(name)).ToArray();
        return new LabeledImageSet(set.Pixels, [.. set.Labels.Select(l => map[l])], set.Channels, set.Height, set.Width, [.. classes], set.SourceFiles);
    }
}
