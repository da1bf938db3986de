using NativeCnn.Data.Batching;

namespace NativeCnn.Data.Augmentation;

/// <summary>
/// Test-time augmentation: evaluate a model on several deterministic variants of each image and
/// average its predictions. Provides the horizontal flip and the ten-crop.
/// </summary>
/// <remarks>
/// Ten-crop geometry: crops of cropHeight x cropWidth at the four corners (top-left, top-right,
/// bottom-left, bottom-right) and the centre (offset floor((H − cropHeight) / 2),
/// floor((W − cropWidth) / 2)), then the same five mirrored left-right: ten crops, in that order.
/// Each crop is scaled back up to H x W with bilinear interpolation (pixel centres at +0.5,
/// align_corners = false, as <see cref="Imaging.Resize"/> enlarges), sampling only inside the
/// crop, so the model sees its usual input size.
/// </remarks>
public static class TestTimeAugmentation
{
    /// <summary>Crops per image produced by <see cref="TenCrop"/>.</summary>
    public const int TenCropCount = 10;

    /// <summary>Mirrors images left-right in place.</summary>
    /// <param name="images">[count, channels, height, width] floats.</param>
    /// <param name="count">Number of images.</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <exception cref="ArgumentException">The buffer is too short.</exception>
    public static void FlipHorizontal(Span<float> images, int count, int channels, int height, int width)
    {
        long needed = (long)count * channels * height * width;
        if (images.Length < needed)
        {
            throw new ArgumentException($"images holds {images.Length} floats, {count}x{channels}x{height}x{width} = {needed} needed.", nameof(images));
        }
        AffineSampler.FlipRows(images, count * channels, height, width);
    }

    /// <summary>Mirrors the images of a batch left-right in place.</summary>
    /// <param name="batch">The batch; its first Count images change.</param>
    /// <param name="channels">C of the images.</param>
    /// <param name="height">H of the images.</param>
    /// <param name="width">W of the images.</param>
    /// <exception cref="ArgumentException">C*H*W does not match the batch's sample size.</exception>
    public static void FlipHorizontal(Batch batch, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if ((long)channels * height * width != batch.SampleSize)
        {
            throw new ArgumentException($"{channels}x{height}x{width} images do not match the batch's {batch.SampleSize} floats per sample.");
        }
        FlipHorizontal(batch.PixelBuffer, batch.Count, channels, height, width);
    }

    /// <summary>The ten crops of every image, each resized back to height x width (see the class remarks for the geometry).</summary>
    /// <param name="images">[count, channels, height, width] floats.</param>
    /// <param name="count">Number of images.</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="cropHeight">Crop height, in [1, height] (e.g. 44 for 48x48 FER images).</param>
    /// <param name="cropWidth">Crop width, in [1, width].</param>
    /// <returns>[count * 10, channels, height, width]: image n's crops at 10n .. 10n + 9, in the order TL, TR, BL, BR, centre, then those five mirrored.</returns>
    /// <exception cref="ArgumentException">The buffer is too short or a crop size is out of range.</exception>
    public static float[] TenCrop(ReadOnlySpan<float> images, int count, int channels, int height, int width, int cropHeight, int cropWidth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (cropHeight < 1 || cropHeight > height || cropWidth < 1 || cropWidth > width)
        {
            throw new ArgumentException($"crop {cropHeight}x{cropWidth} must fit in the {height}x{width} image.");
        }
        int plane = height * width, sampleSize = channels * plane;
        if (images.Length < (long)count * sampleSize)
        {
            throw new ArgumentException($"images holds {images.Length} floats, {count}x{channels}x{height}x{width} needed.", nameof(images));
        }
        (int Top, int Left)[] origins =
        [
            (0, 0), (0, width - cropWidth), (height - cropHeight, 0), (height - cropHeight, width - cropWidth),
            ((height - cropHeight) / 2, (width - cropWidth) / 2),
        ];
        double scaleRows = (double)cropHeight / height, scaleColumns = (double)cropWidth / width;
        var output = new float[(long)count * TenCropCount * sampleSize];
        Span<double> m = stackalloc double[6];
        for (int n = 0; n < count; n++)
        {
            ReadOnlySpan<float> image = images.Slice(n * sampleSize, sampleSize);
            for (int k = 0; k < origins.Length; k++)
            {
                (int top, int left) = origins[k];
                // Output pixel centre (r + 0.5) maps to top + (r + 0.5) * scale - 0.5 inside the crop.
                m[0] = scaleRows;
                m[1] = 0;
                m[2] = top + 0.5 * scaleRows - 0.5;
                m[3] = 0;
                m[4] = scaleColumns;
                m[5] = left + 0.5 * scaleColumns - 0.5;
                Span<float> crop = output.AsSpan((n * TenCropCount + k) * sampleSize, sampleSize);
                for (int c = 0; c < channels; c++)
                {
                    AffineSampler.Sample(image.Slice(c * plane, plane), height, width, crop.Slice(c * plane, plane), height, width,
                        m, top, top + cropHeight - 1, left, left + cropWidth - 1);
                }
                Span<float> mirrored = output.AsSpan((n * TenCropCount + k + origins.Length) * sampleSize, sampleSize);
                crop.CopyTo(mirrored);
                AffineSampler.FlipRows(mirrored, channels, height, width);
            }
        }
        return output;
    }
}
