namespace NativeCnn.Data.Fer2013;

/// <summary>Class subsets of FER-2013 that seeds train on.</summary>
public static class Fer2013Subset
{
    /// <summary>seed004's four classes, in its output order: happy=0, sad=1, neutral=2, surprise=3 (models/seed004.json).</summary>
    public static IReadOnlyList<string> HappySadNeutralSurprise { get; } = ["happy", "sad", "neutral", "surprise"];

    /// <summary>Keeps only the given classes in all three splits and renumbers labels in the given order (see <see cref="LabeledImageSet.SelectClasses"/>).</summary>
    /// <param name="splits">The full FER-2013 splits.</param>
    /// <param name="classNames">FER-2013 folder names to keep, in the new id order, e.g. <see cref="HappySadNeutralSurprise"/>.</param>
    /// <returns>The reduced splits; issues are carried over unchanged.</returns>
    /// <exception cref="ArgumentException">A name is not a FER-2013 class, or is repeated.</exception>
    public static Fer2013Splits Select(Fer2013Splits splits, IReadOnlyList<string> classNames)
    {
        ArgumentNullException.ThrowIfNull(splits);
        return new Fer2013Splits(
            splits.Train.SelectClasses(classNames),
            splits.PublicTest.SelectClasses(classNames),
            splits.PrivateTest.SelectClasses(classNames),
            splits.Issues);
    }
}
