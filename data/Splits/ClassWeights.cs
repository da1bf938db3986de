namespace NativeCnn.Data.Splits;

/// <summary>Per-class loss weights for imbalanced data (muxspace is 40% neutral, 40% happiness, 0.2% contempt).</summary>
public static class ClassWeights
{
    /// <summary>
    /// scikit-learn's <c>class_weight='balanced'</c>: weight_c = n_samples / (n_classes * count_c).
    /// A class with the average frequency gets 1; rarer classes get more, so every class
    /// contributes the same total weight (n_samples / n_classes) to a weighted loss.
    /// </summary>
    /// <param name="labels">Class id of every sample, each in [0, classCount).</param>
    /// <param name="classCount">Number of classes.</param>
    /// <returns>classCount weights, indexed by class id (computed in double, returned as float32).</returns>
    /// <exception cref="ArgumentException">A label is out of range, or a class has no sample (its weight would be infinite; scikit-learn refuses this too).</exception>
    public static float[] Balanced(ReadOnlySpan<int> labels, int classCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        var counts = new long[classCount];
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
            {
                throw new ArgumentException($"label {labels[i]} of sample {i} is outside [0, {classCount}).", nameof(labels));
            }
            counts[labels[i]]++;
        }
        var weights = new float[classCount];
        for (int c = 0; c < classCount; c++)
        {
            if (counts[c] == 0)
            {
                throw new ArgumentException($"class {c} has no sample, so its balanced weight is undefined; remove the class or add samples.", nameof(labels));
            }
            weights[c] = (float)((double)labels.Length / ((double)classCount * counts[c]));
        }
        return weights;
    }

    /// <summary>Balanced weights for the classes of a set: <c>Balanced(set.Labels, set.ClassNames.Count)</c>.</summary>
    /// <param name="set">The training set.</param>
    /// <returns>One weight per class name.</returns>
    /// <exception cref="ArgumentException">A class of the set has no image.</exception>
    public static float[] Balanced(LabeledImageSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return Balanced(set.Labels, set.ClassNames.Count);
    }
}
