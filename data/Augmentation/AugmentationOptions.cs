namespace NativeCnn.Data.Augmentation;

/// <summary>
/// Random-transform ranges, named and interpreted like the arguments of Keras'
/// <c>ImageDataGenerator</c>. All zero / false (the default) means no augmentation.
/// </summary>
public sealed record AugmentationOptions
{
    /// <summary>Rotation angle drawn uniformly from [-RotationRange, RotationRange] degrees (Keras <c>rotation_range</c>).</summary>
    public double RotationRange { get; init; }

    /// <summary>Horizontal shift drawn uniformly from [-WidthShiftRange, WidthShiftRange] times the width (Keras <c>width_shift_range</c> as a fraction; must be in [0, 1)).</summary>
    public double WidthShiftRange { get; init; }

    /// <summary>Vertical shift drawn uniformly from [-HeightShiftRange, HeightShiftRange] times the height (Keras <c>height_shift_range</c> as a fraction; must be in [0, 1)).</summary>
    public double HeightShiftRange { get; init; }

    /// <summary>Zoom factors for rows and columns drawn independently from [1 - ZoomRange, 1 + ZoomRange] (Keras <c>zoom_range</c> as a float; factors above 1 zoom out, as in Keras). Must be in [0, 1).</summary>
    public double ZoomRange { get; init; }

    /// <summary>Shear angle drawn uniformly from [-ShearRange, ShearRange] degrees (Keras <c>shear_range</c>, which is in degrees since Keras 2.2). Must be below 90.</summary>
    public double ShearRange { get; init; }

    /// <summary>Mirror left-right with probability 1/2 (Keras <c>horizontal_flip</c>).</summary>
    public bool HorizontalFlip { get; init; }

    /// <summary>True when no option is set, so augmentation would leave every image unchanged.</summary>
    public bool IsIdentity => RotationRange == 0 && WidthShiftRange == 0 && HeightShiftRange == 0 && ZoomRange == 0 && ShearRange == 0 && !HorizontalFlip;

    /// <summary>Checks the ranges.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A range is negative, NaN, or beyond its limit.</exception>
    public void Validate()
    {
        // A rotation range of 180 already covers every angle; 360 is accepted because Keras users write it.
        Check(RotationRange, 360, inclusive: true, nameof(RotationRange));
        Check(WidthShiftRange, 1, inclusive: false, nameof(WidthShiftRange));
        Check(HeightShiftRange, 1, inclusive: false, nameof(HeightShiftRange));
        Check(ZoomRange, 1, inclusive: false, nameof(ZoomRange));
        Check(ShearRange, 90, inclusive: false, nameof(ShearRange));
    }

    private static void Check(double value, double limit, bool inclusive, string name)
    {
        bool ok = value >= 0 && (inclusive ? value <= limit : value < limit);
        if (!ok)
        {
            string interval = inclusive ? $"[0, {limit}]" : $"[0, {limit})";
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be in {interval}, got {value}.");
        }
    }
}
