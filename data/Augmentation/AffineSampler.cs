using System.Runtime.CompilerServices;

namespace NativeCnn.Data.Augmentation;

/// <summary>
/// Resamples one [H, W] float plane through an affine map with bilinear interpolation. Input
/// coordinates are clamped to a box before interpolating, which for the whole image is Keras'
/// (scipy's) <c>fill_mode='nearest'</c>: points outside take the nearest edge pixel.
/// </summary>
internal static class AffineSampler
{
    /// <summary>Output (r, c) reads input (row, col) = (M00·r + M01·c + M02, M10·r + M11·c + M12), clamped to [top, bottom] x [left, right], bilinearly.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sample(ReadOnlySpan<float> source, int height, int width, Span<float> destination, int outHeight, int outWidth,
        ReadOnlySpan<double> m, int top, int bottom, int left, int right)
    {
        for (int r = 0; r < outHeight; r++)
        {
            double rowBase = m[0] * r + m[2];
            double colBase = m[3] * r + m[5];
            Span<float> outRow = destination.Slice(r * outWidth, outWidth);
            for (int c = 0; c < outWidth; c++)
            {
                double y = Math.Clamp(rowBase + m[1] * c, top, bottom);
                double x = Math.Clamp(colBase + m[4] * c, left, right);
                int y0 = (int)y, x0 = (int)x;
                int y1 = Math.Min(y0 + 1, bottom), x1 = Math.Min(x0 + 1, right);
                float fy = (float)(y - y0), fx = (float)(x - x0);
                float v00 = source[y0 * width + x0], v01 = source[y0 * width + x1];
                float v10 = source[y1 * width + x0], v11 = source[y1 * width + x1];
                float upper = v00 + (v01 - v00) * fx;
                float lower = v10 + (v11 - v10) * fx;
                float value = upper + (lower - upper) * fy;
                // Float rounding in the lerps may step a hair outside the neighbours' range; clamping
                // keeps the promise that augmentation never creates values outside the input's range.
                float lo = MathF.Min(MathF.Min(v00, v01), MathF.Min(v10, v11));
                float hi = MathF.Max(MathF.Max(v00, v01), MathF.Max(v10, v11));
                outRow[c] = Math.Clamp(value, lo, hi);
            }
        }
    }

    /// <summary>Mirrors every row of [count planes of H, W] in place.</summary>
    public static void FlipRows(Span<float> planes, int planeCount, int height, int width)
    {
        for (int row = 0; row < planeCount * height; row++)
        {
            planes.Slice(row * width, width).Reverse();
        }
    }
}
