using System.Buffers;
using NativeCnn.Data.Batching;

namespace NativeCnn.Data.Augmentation;

/// <summary>
/// Random affine augmentation like Keras' <c>ImageDataGenerator</c> (rotation, shifts, zoom,
/// shear, horizontal flip): one transform per image, bilinear sampling, 'nearest' fill, applied
/// in place to [N, C, H, W] float pixels, all channels of an image alike.
/// </summary>
/// <remarks>
/// <para>Seeded and reproducible: the parameters of an image are a pure function of
/// (seed, epoch, sample key) through <see cref="KeyedRandom"/>, where the sample key is the
/// image's index in the dataset (<see cref="Batch.SampleIndices"/>). So an image gets the same
/// transform in a given epoch whatever batch it lands in, whatever the batch size and whichever
/// thread runs it, and a different one in the next epoch. Each parameter has its own draw index
/// (rotation 0, row shift 1, column shift 2, shear 3, row zoom 4, column zoom 5, flip 6), so
/// enabling one range does not change the values drawn for the others.</para>
/// <para>To augment while training, pass <c>augmenter.ForEpoch(epoch)</c> as the Prefetcher's
/// transform; it then runs on the producer thread while the device works on the previous batch.
/// Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class ImageAugmenter
{
    private readonly KeyedRandom root;

    /// <summary>Creates an augmenter.</summary>
    /// <param name="options">The random ranges.</param>
    /// <param name="seed">Seed of the parameter streams.</param>
    /// <exception cref="ArgumentOutOfRangeException">A range is invalid.</exception>
    public ImageAugmenter(AugmentationOptions options, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        Seed = seed;
        root = new KeyedRandom(seed);
    }

    /// <summary>The random ranges.</summary>
    public AugmentationOptions Options { get; }

    /// <summary>Seed of the parameter streams.</summary>
    public ulong Seed { get; }

    /// <summary>The transform image <paramref name="sampleKey"/> gets in <paramref name="epoch"/>, for an image of the given size (shifts are in pixels).</summary>
    /// <param name="epoch">Epoch number.</param>
    /// <param name="sampleKey">The image's stable number (its dataset index).</param>
    /// <param name="height">Image height, to turn the height-shift fraction into pixels.</param>
    /// <param name="width">Image width, to turn the width-shift fraction into pixels.</param>
    /// <returns>The drawn parameters.</returns>
    public AffineParameters ParametersFor(int epoch, int sampleKey, int height, int width)
    {
        KeyedRandom stream = root.Derive((ulong)(uint)epoch).Derive((ulong)(uint)sampleKey);
        AugmentationOptions o = Options;
        return new AffineParameters(
            RotationDegrees: Symmetric(stream, 0, o.RotationRange),
            ShiftRows: Symmetric(stream, 1, o.HeightShiftRange) * height,
            ShiftColumns: Symmetric(stream, 2, o.WidthShiftRange) * width,
            ShearDegrees: Symmetric(stream, 3, o.ShearRange),
            ZoomRows: 1 + Symmetric(stream, 4, o.ZoomRange),
            ZoomColumns: 1 + Symmetric(stream, 5, o.ZoomRange),
            FlipHorizontal: o.HorizontalFlip && stream.UniformAt(6) < 0.5);
    }

    /// <summary>An in-place batch transform for <see cref="Prefetcher"/>'s <c>transform</c> argument, keyed by this epoch.</summary>
    /// <param name="epoch">Epoch number (the same one given to the Prefetcher).</param>
    /// <param name="channels">C of the dataset's images.</param>
    /// <param name="height">H of the dataset's images.</param>
    /// <param name="width">W of the dataset's images.</param>
    /// <returns>A delegate that augments a batch in place.</returns>
    public Action<Batch> ForEpoch(int epoch, int channels, int height, int width) =>
        batch => Apply(batch, epoch, channels, height, width);

    /// <summary>Augments a batch in place, keyed by the epoch and each sample's dataset index.</summary>
    /// <param name="batch">The batch; its first Count images change.</param>
    /// <param name="epoch">Epoch number.</param>
    /// <param name="channels">C of the images.</param>
    /// <param name="height">H of the images.</param>
    /// <param name="width">W of the images.</param>
    /// <exception cref="ArgumentException">C*H*W does not match the batch's sample size.</exception>
    public void Apply(Batch batch, int epoch, int channels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if ((long)channels * height * width != batch.SampleSize)
        {
            throw new ArgumentException($"{channels}x{height}x{width} images do not match the batch's {batch.SampleSize} floats per sample.");
        }
        Apply(batch.PixelBuffer.AsSpan(0, batch.Count * batch.SampleSize), batch.Count, channels, height, width, epoch, batch.SampleIndices);
    }

    /// <summary>Augments images in place.</summary>
    /// <param name="images">[count, channels, height, width] floats.</param>
    /// <param name="count">Number of images.</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="epoch">Epoch number.</param>
    /// <param name="sampleKeys">A stable number per image (its dataset index), count entries.</param>
    /// <exception cref="ArgumentException">The buffer or key list is too short.</exception>
    public void Apply(Span<float> images, int count, int channels, int height, int width, int epoch, ReadOnlySpan<int> sampleKeys)
    {
        int sampleSize = channels * height * width;
        if (images.Length < (long)count * sampleSize || sampleKeys.Length < count)
        {
            throw new ArgumentException($"need {count} images of {channels}x{height}x{width} and {count} sample keys; got {images.Length} floats and {sampleKeys.Length} keys.");
        }
        if (Options.IsIdentity)
        {
            return;
        }
        float[] scratch = ArrayPool<float>.Shared.Rent(sampleSize);
        try
        {
            for (int i = 0; i < count; i++)
            {
                Transform(images.Slice(i * sampleSize, sampleSize), channels, height, width,
                    ParametersFor(epoch, sampleKeys[i], height, width), scratch);
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    /// <summary>Applies one given transform to one image in place (all channels alike).</summary>
    /// <param name="image">[channels, height, width] floats.</param>
    /// <param name="channels">C.</param>
    /// <param name="height">H.</param>
    /// <param name="width">W.</param>
    /// <param name="parameters">The transform.</param>
    /// <exception cref="ArgumentException">The buffer is too short.</exception>
    public static void Transform(Span<float> image, int channels, int height, int width, AffineParameters parameters)
    {
        float[] scratch = ArrayPool<float>.Shared.Rent(channels * height * width);
        try
        {
            Transform(image, channels, height, width, parameters, scratch);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(scratch);
        }
    }

    private static void Transform(Span<float> image, int channels, int height, int width, AffineParameters p, float[] scratch)
    {
        int plane = height * width;
        if (image.Length < channels * plane)
        {
            throw new ArgumentException($"image holds {image.Length} floats, {channels}x{height}x{width} needed.", nameof(image));
        }
        image = image[..(channels * plane)];
        if (!p.IsAffineIdentity)
        {
            Span<double> m = stackalloc double[6];
            Matrix(p, height, width, m);
            image.CopyTo(scratch);
            for (int c = 0; c < channels; c++)
            {
                AffineSampler.Sample(scratch.AsSpan(c * plane, plane), height, width, image.Slice(c * plane, plane), height, width,
                    m, 0, height - 1, 0, width - 1);
            }
        }
        if (p.FlipHorizontal)
        {
            AffineSampler.FlipRows(image, channels, height, width);
        }
    }

    /// <summary>
    /// The 2x3 map from output (row, col) to input (row, col): centre + R·(t + Sh·Z·(out − centre)),
    /// Keras' rotation·shift·shear·zoom product. The centre is ((H−1)/2, (W−1)/2), the true centre
    /// in pixel-index coordinates, so a 90° turn of a square image lands exactly on pixels.
    /// </summary>
    private static void Matrix(AffineParameters p, int height, int width, Span<double> m)
    {
        double theta = p.RotationDegrees * Math.PI / 180, shear = p.ShearDegrees * Math.PI / 180;
        (double sin, double cos) = Math.SinCos(theta);
        // A = R · Sh · Z with R = [[cos, -sin], [sin, cos]], Sh = [[1, -sin s], [0, cos s]], Z = diag(zr, zc).
        double sh01 = -Math.Sin(shear), sh11 = Math.Cos(shear);
        double a00 = cos * p.ZoomRows, a01 = (cos * sh01 - sin * sh11) * p.ZoomColumns;
        double a10 = sin * p.ZoomRows, a11 = (sin * sh01 + cos * sh11) * p.ZoomColumns;
        double tr = cos * p.ShiftRows - sin * p.ShiftColumns;
        double tc = sin * p.ShiftRows + cos * p.ShiftColumns;
        double cr = (height - 1) / 2.0, cc = (width - 1) / 2.0;
        m[0] = a00;
        m[1] = a01;
        m[2] = cr + tr - a00 * cr - a01 * cc;
        m[3] = a10;
        m[4] = a11;
        m[5] = cc + tc - a10 * cr - a11 * cc;
    }

    private static double Symmetric(KeyedRandom stream, ulong draw, double range) =>
        range == 0 ? 0 : stream.UniformAt(draw, -range, range);
}
