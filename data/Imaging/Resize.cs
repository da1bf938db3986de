using System.Runtime.CompilerServices;
namespace NativeCnn.Data.Imaging;

/// <summary>
/// Resizes 8-bit grayscale images. Each axis is handled on its own (separable filter): an axis
/// that shrinks uses area averaging (every output pixel is the mean of the input area it covers,
/// with fractional edge weights, like OpenCV's INTER_AREA), an axis that grows uses bilinear
/// interpolation with pixel centres at +0.5 (align_corners = false, as Keras/TensorFlow and PIL).
/// Equal sizes copy exactly. The result is rounded to the nearest byte, so a resized set is stored
/// and cached as compactly as an unresized one.
/// </summary>
public static class Resize
{
    /// <summary>Resizes a gray image [srcHeight, srcWidth] to [dstHeight, dstWidth].</summary>
    /// <param name="source">Row-major input bytes, srcHeight*srcWidth.</param>
    /// <param name="srcHeight">Input height in pixels, &gt; 0.</param>
    /// <param name="srcWidth">Input width in pixels, &gt; 0.</param>
    /// <param name="destination">Receives dstHeight*dstWidth bytes, row-major.</param>
    /// <param name="dstHeight">Output height in pixels, &gt; 0.</param>
    /// <param name="dstWidth">Output width in pixels, &gt; 0.</param>
    /// <exception cref="ArgumentException">A size is not positive or a buffer is too small.</exception>
    public static void Gray(ReadOnlySpan<byte> source, int srcHeight, int srcWidth, Span<byte> destination, int dstHeight, int dstWidth)
    {
        float[]? scratch = null;
        Gray(source, srcHeight, srcWidth, destination, dstHeight, dstWidth, ref scratch);
    }

    /// <summary>
    /// As the public overload, with a caller-kept scratch buffer for the horizontal pass (grown
    /// when too small), so bulk loaders resizing thousands of large photos do not allocate a
    /// fresh buffer per image.
    /// </summary>
    // AggressiveOptimization: entered a few times per load but millions of iterations each; tier-0 code made loads several times slower.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void Gray(ReadOnlySpan<byte> source, int srcHeight, int srcWidth,
        Span<byte> destination, int dstHeight, int dstWidth, ref float[]? scratch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(srcHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(srcWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dstHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dstWidth);
        if (source.Length < srcHeight * srcWidth)
        {
            throw new ArgumentException($"source holds {source.Length} bytes, a {srcHeight}x{srcWidth} image needs {srcHeight * srcWidth}.", nameof(source));
        }
        if (destination.Length < dstHeight * dstWidth)
        {
            throw new ArgumentException($"destination holds {destination.Length} bytes, {dstHeight}x{dstWidth} needed.", nameof(destination));
        }
        if (srcHeight == dstHeight && srcWidth == dstWidth)
        {
            // The FER-2013 case: no filtering, no rounding.
            source[..(srcHeight * srcWidth)].CopyTo(destination);
            return;
        }

        AxisWeights columns = AxisWeights.For(srcWidth, dstWidth);
        AxisWeights rows = AxisWeights.For(srcHeight, dstHeight);

        // Horizontal pass: [srcHeight, srcWidth] bytes -> [srcHeight, dstWidth] floats (still 0..255).
        if (scratch is null || scratch.Length < srcHeight * dstWidth)
        {
            scratch = new float[srcHeight * dstWidth];
        }
        float[] horizontal = scratch;
        for (int y = 0; y < srcHeight; y++)
        {
            ReadOnlySpan<byte> inRow = source.Slice(y * srcWidth, srcWidth);
            Span<float> outRow = horizontal.AsSpan(y * dstWidth, dstWidth);
            for (int x = 0; x < dstWidth; x++)
            {
                int first = columns.First[x];
                ReadOnlySpan<float> w = columns.WeightsOf(x);
                float sum = 0f;
                for (int k = 0; k < w.Length; k++)
                {
                    sum += w[k] * inRow[first + k];
                }
                outRow[x] = sum;
            }
        }

        // Vertical pass, rounded to the nearest byte.
        for (int y = 0; y < dstHeight; y++)
        {
            int first = rows.First[y];
            ReadOnlySpan<float> w = rows.WeightsOf(y);
            Span<byte> outRow = destination.Slice(y * dstWidth, dstWidth);
            for (int x = 0; x < dstWidth; x++)
            {
                float sum = 0f;
                for (int k = 0; k < w.Length; k++)
                {
                    sum += w[k] * horizontal[(first + k) * dstWidth + x];
                }
                // Clamp: float rounding in the weights may stray a hair outside [0, 255].
                outRow[x] = (byte)Math.Clamp((int)(sum + 0.5f), 0, 255);
            }
        }
    }

    /// <summary>
    /// For one axis: output index i reads input samples First[i] .. First[i] + Count[i] - 1 with
    /// the given weights (which sum to 1). Fixed stride storage keeps it to three arrays.
    /// </summary>
    private sealed class AxisWeights
    {
        private AxisWeights(int outputs, int stride)
        {
            First = new int[outputs];
            Count = new int[outputs];
            Weights = new float[outputs * stride];
            Stride = stride;
        }

        public int[] First { get; }
        public int[] Count { get; }
        public float[] Weights { get; }
        public int Stride { get; }

        public ReadOnlySpan<float> WeightsOf(int i) => Weights.AsSpan(i * Stride, Count[i]);

        public static AxisWeights For(int inSize, int outSize)
        {
            return outSize <= inSize ? Area(inSize, outSize) : Bilinear(inSize, outSize);
        }

        private static AxisWeights Area(int inSize, int outSize)
        {
            // Output pixel i covers input interval [i*scale, (i+1)*scale); at most ceil(scale)+1 inputs touch it.
            double scale = (double)inSize / outSize;
            var result = new AxisWeights(outSize, (int)Math.Ceiling(scale) + 1);
            for (int i = 0; i < outSize; i++)
            {
                double start = i * scale;
                double end = Math.Min((i + 1) * scale, inSize);
                int first = (int)Math.Floor(start);
                int last = Math.Min((int)Math.Ceiling(end) - 1, inSize - 1);
                result.First[i] = first;
                result.Count[i] = last - first + 1;
                for (int j = first; j <= last; j++)
                {
                    double overlap = Math.Min(j + 1, end) - Math.Max(j, start);
                    result.Weights[i * result.Stride + (j - first)] = (float)(overlap / scale);
                }
            }
            return result;
        }

        private static AxisWeights Bilinear(int inSize, int outSize)
        {
            double scale = (double)inSize / outSize;
            var result = new AxisWeights(outSize, 2);
            for (int i = 0; i < outSize; i++)
            {
                // Centre of output pixel i, mapped into input coordinates, clamped to the edge centres.
                double x = Math.Clamp((i + 0.5) * scale - 0.5, 0.0, inSize - 1);
                int left = Math.Min((int)Math.Floor(x), Math.Max(inSize - 2, 0));
                double frac = x - left;
                result.First[i] = left;
                if (inSize == 1)
                {
                    result.Count[i] = 1;
                    result.Weights[i * 2] = 1f;
                }
                else
                {
                    result.Count[i] = 2;
                    result.Weights[i * 2] = (float)(1 - frac);
                    result.Weights[i * 2 + 1] = (float)frac;
                }
            }
            return result;
        }
    }
}
