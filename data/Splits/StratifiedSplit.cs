namespace NativeCnn.Data.Splits;

/// <summary>
/// Seeded stratified train/validation/test split: every class is divided in the requested
/// proportions on its own, so the class balance of each part matches the whole (what
/// scikit-learn's <c>train_test_split(stratify=y)</c> does, applied twice).
/// </summary>
/// <remarks>
/// <para>Per class with n images: the quotas n*fraction are rounded by the largest-remainder
/// method (floors first, then one extra image to the parts with the largest fractional parts;
/// ties go to train, then validation), so every part is within 1 image of its exact share and
/// the parts add up to n. Then, when n &gt;= 3, a part with a non-zero fraction that got no image
/// takes one from the currently largest part, so every class appears in every requested part
/// (for tiny classes this overrides the within-1 rule; muxspace's contempt has 6 images).</para>
/// <para>Determinism: the images of each class are shuffled with one <c>new Random(seed)</c>
/// (Fisher-Yates, classes in id order) and dealt train first, then validation, then test. The
/// same labels and seed always give the same split; the parts are returned sorted ascending so
/// they keep the dataset's order.</para>
/// </remarks>
public static class StratifiedSplit
{
    /// <summary>Splits image indices by class.</summary>
    /// <param name="labels">Class id of every image, each in [0, classCount).</param>
    /// <param name="classCount">Number of classes.</param>
    /// <param name="trainFraction">Share of each class for training, in [0, 1].</param>
    /// <param name="validationFraction">Share for validation, in [0, 1].</param>
    /// <param name="testFraction">Share for test, in [0, 1]; the three must add up to 1.</param>
    /// <param name="seed">Random seed.</param>
    /// <returns>The three index lists, disjoint, sorted, together covering every image once.</returns>
    /// <exception cref="ArgumentException">A fraction is outside [0, 1], they do not add up to 1, or a label is out of range.</exception>
    public static SplitIndices Indices(ReadOnlySpan<int> labels, int classCount,
        double trainFraction, double validationFraction, double testFraction, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        double[] fractions = [trainFraction, validationFraction, testFraction];
        foreach (double f in fractions)
        {
            if (!(f >= 0 && f <= 1))
            {
                throw new ArgumentException($"split fractions must be in [0, 1], got {trainFraction}/{validationFraction}/{testFraction}.");
            }
        }
        if (Math.Abs(fractions.Sum() - 1) > 1e-6)
        {
            throw new ArgumentException($"split fractions must add up to 1, got {trainFraction}+{validationFraction}+{testFraction} = {fractions.Sum()}.");
        }

        var byClass = new List<int>[classCount];
        for (int c = 0; c < classCount; c++)
        {
            byClass[c] = [];
        }
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentException($"label {labels[i]} of image {i} is outside [0, {classCount}).", nameof(labels));
            }
            byClass[labels[i]].Add(i);
        }

        var random = new Random(seed);
        var parts = new List<int>[] { [], [], [] };
        foreach (List<int> members in byClass)
        {
            int[] shuffled = [.. members];
            random.Shuffle(shuffled);
            int[] sizes = PartSizes(shuffled.Length, fractions);
            parts[0].AddRange(shuffled.AsSpan(0, sizes[0]));
            parts[1].AddRange(shuffled.AsSpan(sizes[0], sizes[1]));
            parts[2].AddRange(shuffled.AsSpan(sizes[0] + sizes[1], sizes[2]));
        }
        foreach (List<int> part in parts)
        {
            part.Sort();
        }
        return new SplitIndices([.. parts[0]], [.. parts[1]], [.. parts[2]]);
    }

    /// <summary>Splits a set into three new sets (copies); see <see cref="Indices"/> for the rules.</summary>
    /// <param name="set">The images to split.</param>
    /// <param name="trainFraction">Share of each class for training, e.g. 0.8.</param>
    /// <param name="validationFraction">Share for validation, e.g. 0.1.</param>
    /// <param name="testFraction">Share for test, e.g. 0.1.</param>
    /// <param name="seed">Random seed.</param>
    /// <returns>The three parts.</returns>
    /// <exception cref="ArgumentException">The fractions are invalid.</exception>
    public static DatasetSplit Split(LabeledImageSet set, double trainFraction, double validationFraction, double testFraction, int seed)
    {
        ArgumentNullException.ThrowIfNull(set);
        SplitIndices indices = Indices(set.Labels, set.ClassNames.Count, trainFraction, validationFraction, testFraction, seed);
        return new DatasetSplit(set.Subset(indices.Train), set.Subset(indices.Validation), set.Subset(indices.Test));
    }

    /// <summary>Sizes of the three parts of one class of <paramref name="n"/> images (largest remainder, then at least one per requested part when n &gt;= 3).</summary>
    internal static int[] PartSizes(int n, double[] fractions)
    {
        var sizes = new int[3];
        var remainders = new double[3];
        int assigned = 0;
        for (int k = 0; k < 3; k++)
        {
            double quota = n * fractions[k];
            sizes[k] = (int)Math.Floor(quota + 1e-9);
            remainders[k] = quota - sizes[k];
            assigned += sizes[k];
        }
        // OrderBy is stable, so equal remainders favour train, then validation.
        foreach (int k in Enumerable.Range(0, 3).OrderByDescending(k => remainders[k]).Take(n - assigned))
        {
            sizes[k]++;
        }
        if (n >= 3)
        {
            for (int k = 0; k < 3; k++)
            {
                if (fractions[k] > 0 && sizes[k] == 0)
                {
                    int donor = Array.IndexOf(sizes, sizes.Max());
                    sizes[donor]--;
                    sizes[k]++;
                }
            }
        }
        return sizes;
    }
}
