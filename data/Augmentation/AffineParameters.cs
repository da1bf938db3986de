namespace NativeCnn.Data.Augmentation;

/// <summary>
/// One image's random transform, as drawn by <see cref="ImageAugmenter.ParametersFor"/> or set by
/// hand. Applied like Keras' <c>apply_affine_transform</c>: about the image centre, output pixel
/// (r, c) reads the input at centre + R(θ)·(T + Shear·Zoom·((r, c) − centre)), in (row, column)
/// coordinates; then the horizontal flip.
/// </summary>
/// <param name="RotationDegrees">θ in degrees. With rows pointing down, +90 maps output (r, c) to input (H−1−c, r) on a square image: a clockwise quarter turn of the content.</param>
/// <param name="ShiftRows">Row offset in pixels added to the input coordinate: +s makes output row r show input row r + s (content moves up), as in Keras.</param>
/// <param name="ShiftColumns">Column offset in pixels, same convention (content moves left for +s).</param>
/// <param name="ShearDegrees">Shear angle in degrees (Keras' shear matrix [[1, −sin s], [0, cos s]]).</param>
/// <param name="ZoomRows">Row scale of input coordinates; &gt; 1 shows more of the image (zooms out).</param>
/// <param name="ZoomColumns">Column scale of input coordinates.</param>
/// <param name="FlipHorizontal">Mirror left-right after the affine transform.</param>
public readonly record struct AffineParameters(
    double RotationDegrees,
    double ShiftRows,
    double ShiftColumns,
    double ShearDegrees,
    double ZoomRows,
    double ZoomColumns,
    bool FlipHorizontal)
{
    /// <summary>The transform that changes nothing.</summary>
    public static AffineParameters Identity { get; } = new(0, 0, 0, 0, 1, 1, false);

    /// <summary>True when the affine part is the identity (only the flip, if any, remains).</summary>
    public bool IsAffineIdentity => RotationDegrees == 0 && ShiftRows == 0 && ShiftColumns == 0 && ShearDegrees == 0 && ZoomRows == 1 && ZoomColumns == 1;
}
