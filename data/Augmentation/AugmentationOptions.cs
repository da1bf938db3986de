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
        if (FindProblem() is { } p)
        {
            throw new ArgumentOutOfRangeException(p.Property, p.Value, $"{p.Property} must be in {p.Interval}, got {p.Value}.");
        }
    }

    /// <summary>The first range that is negative, NaN or beyond its limit, with the interval it must lie in; null when all are valid.</summary>
    /// <returns>The property's name (e.g. "RotationRange"), its value and the interval, e.g. "[0, 360]".</returns>
    public (string Property, double Value, string Interval)? FindProblem()
    {
        // A rotation range of 180 already covers every angle; 360 is accepted because Keras users write it.
        (string, double, double, bool)[] ranges =
        [
            (nameof(RotationRange), RotationRange, 360, true), (nameof(WidthShiftRange), WidthShiftRange, 1, false),
            (nameof(HeightShiftRange), HeightShiftRange, 1, false), (nameof(ZoomRange), ZoomRange, 1, false), (nameof(ShearRange), ShearRange, 90, false),
        ];
        foreach (var (name, value, limit, inclusive) in ranges)
        {
            if (!(value >= 0 && (inclusive ? value <= limit : value < limit)))
            {
                return (name, value, inclusive ? $"[0, {limit}]" : $"[0, {limit})");
            }
        }
        return null;
    }
}
