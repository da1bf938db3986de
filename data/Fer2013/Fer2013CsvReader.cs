using System.Runtime.CompilerServices;
using System.Text;
using NativeCnn.Data.Imaging;

namespace NativeCnn.Data.Fer2013;

/// <summary>
/// Reads the original Kaggle <c>fer2013.csv</c>: header <c>emotion,pixels,Usage</c>, then one row
/// per image with the emotion id (0-6), 2304 space-separated pixel values 0-255 (48x48,
/// row-major) and the Usage (Training, PublicTest, PrivateTest). Fields may be quoted ("70 80 ...").
/// </summary>
/// <remarks>
/// <para>Malformed rows (wrong pixel count, value out of range, unknown emotion or Usage, missing
/// field) are never repaired: by default the row is left out and reported as a
/// <see cref="DatasetIssue"/> (file, 1-based line number with the header as line 1, what is
/// wrong), which is how a truncated download shows up; with <c>strict</c> the first such row
/// throws. A missing file or wrong header always throws. Rows keep file order within each split.</para>
/// <para>Not cached: parsing is a single streaming pass (about a second for the full 35,887-row file).</para>
/// </remarks>
public static class Fer2013CsvReader
{
    private const int PixelsPerImage = Fer2013Classes.ImageSize * Fer2013Classes.ImageSize;
    private const string ExpectedHeader = "emotion,pixels,Usage";

    /// <summary>Loads every well-formed row, split by Usage.</summary>
    /// <param name="csvPath">Path of fer2013.csv (or a file in the same format).</param>
    /// <param name="strict">When true, the first malformed row throws instead of being reported.</param>
    /// <param name="options">Output size (48x48 unless AllowResize); null for <see cref="ReadOptions.Default"/>. Cache and skip settings do not apply.</param>
    /// <returns>The splits; <see cref="Fer2013Splits.Issues"/> lists every row left out.</returns>
    /// <exception cref="DatasetException">The file is missing, its header is wrong, the requested size needs AllowResize, or (strict) a row is malformed; the message names file and line.</exception>
    public static Fer2013Splits Load(string csvPath, bool strict = false, ReadOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(csvPath);
        options ??= ReadOptions.Default;
        options.Validate();
        int size = Fer2013Classes.ImageSize;
        if ((options.Height != size || options.Width != size) && !options.AllowResize)
        {
            throw new DatasetException(
                $"'{csvPath}' holds {size}x{size} images but {options.Width}x{options.Height} was requested; set AllowResize to resize.");
        }
        if (!File.Exists(csvPath))
        {
            throw new DatasetException($"FER-2013 CSV file '{csvPath}' does not exist.");
        }

        var pixelBytes = new List<byte>[3] { new(), new(), new() };
        var labels = new List<int>[3] { new(), new(), new() };
        var sources = new List<string>[3] { new(), new(), new() };
        var issues = new List<DatasetIssue>();
        string fileName = Path.GetFileName(csvPath);
        var row = new byte[PixelsPerImage];

        using (var reader = new StreamReader(csvPath, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16))
        {
            string? header = reader.ReadLine();
            if (header is null || !string.Equals(header.Trim().Replace("\"", ""), ExpectedHeader, StringComparison.Ordinal))
            {
                throw new DatasetException($"{csvPath}:1: expected header '{ExpectedHeader}', found '{Shorten(header ?? "<empty file>")}'.");
            }
            int lineNumber = 1;
            for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
            {
                lineNumber++;
                string? problem = ParseRow(line.AsSpan().TrimEnd('\r'), row, out int emotion, out int split);
                if (problem is not null)
                {
                    if (strict)
                    {
                        throw new DatasetException($"{csvPath}:{lineNumber}: {problem}");
                    }
                    issues.Add(new DatasetIssue(csvPath, lineNumber, problem + "; row skipped"));
                    continue;
                }
                pixelBytes[split].AddRange(row);
                labels[split].Add(emotion);
                sources[split].Add($"{fileName}:{lineNumber}");
            }
        }

        var sets = new LabeledImageSet[3];
        int outSize = options.Height * options.Width;
        for (int s = 0; s < 3; s++)
        {
            byte[] raw = [.. pixelBytes[s]];
            int count = labels[s].Count;
            var pixels = new byte[(long)count * outSize];
            for (int i = 0; i < count; i++)
            {
                Resize.Gray(raw.AsSpan(i * PixelsPerImage, PixelsPerImage), size, size,
                    pixels.AsSpan(i * outSize, outSize), options.Height, options.Width);
            }
            sets[s] = new LabeledImageSet(pixels, [.. labels[s]], 1, options.Height, options.Width, Fer2013Classes.Names, sources[s]);
        }
        return new Fer2013Splits(sets[0], sets[1], sets[2], issues);
    }

    /// <summary>Parses one data row; returns null on success or a description of what is wrong.</summary>
    private static string? ParseRow(ReadOnlySpan<char> line, byte[] pixels, out int emotion, out int split)
    {
        emotion = -1;
        split = -1;
        if (line.IsWhiteSpace())
        {
            return "empty line, expected emotion,pixels,Usage";
        }
        int firstComma = line.IndexOf(',');
        if (firstComma < 0)
        {
            return "expected 3 comma-separated fields (emotion,pixels,Usage), found 1";
        }
        ReadOnlySpan<char> emotionField = Unquote(line[..firstComma]);
        ReadOnlySpan<char> rest = line[(firstComma + 1)..];
        int secondComma = rest.IndexOf(',');
        ReadOnlySpan<char> pixelField = Unquote(secondComma < 0 ? rest : rest[..secondComma]);
        ReadOnlySpan<char> usageField = secondComma < 0 ? default : Unquote(rest[(secondComma + 1)..]);

        var problems = new List<string>(2);
        if (!int.TryParse(emotionField, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out emotion)
            || emotion >= Fer2013Classes.Names.Count)
        {
            problems.Add($"emotion '{Shorten(emotionField.ToString())}' is not an id 0-{Fer2013Classes.Names.Count - 1}");
        }
        string? pixelProblem = ParsePixels(pixelField, pixels);
        if (pixelProblem is not null)
        {
            problems.Add(pixelProblem);
        }
        if (secondComma < 0)
        {
            problems.Add("Usage field missing");
        }
        else
        {
            split = Fer2013Classes.UsageIndex(usageField);
            if (split < 0 || usageField.Contains(','))
            {
                problems.Add($"Usage '{Shorten(usageField.ToString())}' is not one of {string.Join(", ", Fer2013Classes.Usages)}");
            }
        }
        return problems.Count == 0 ? null : string.Join("; ", problems);
    }

    /// <summary>A field without surrounding spaces and without the double quotes CSV writers may put around it
    /// (RFC 4180; pandas quotes the pixel field when asked to quote all fields). No field of this format holds a comma or a quote.</summary>
    private static ReadOnlySpan<char> Unquote(ReadOnlySpan<char> field)
    {
        field = field.Trim();
        return field.Length >= 2 && field[0] == '"' && field[^1] == '"' ? field[1..^1] : field;
    }

    /// <summary>Parses space-separated integers 0-255 into <paramref name="pixels"/>; requires exactly 2304 of them.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string? ParsePixels(ReadOnlySpan<char> field, byte[] pixels)
    {
        int count = 0;
        int i = 0;
        string? rangeProblem = null;
        while (true)
        {
            while (i < field.Length && field[i] == ' ')
            {
                i++;
            }
            if (i >= field.Length)
            {
                break;
            }
            int start = i;
            int value = 0;
            while (i < field.Length && field[i] != ' ')
            {
                char c = field[i];
                if (c is < '0' or > '9' || value > 255)
                {
                    value = int.MaxValue;
                    break;
                }
                value = value * 10 + (c - '0');
                i++;
            }
            if (value > 255)
            {
                int end = field[start..].IndexOf(' ');
                string token = (end < 0 ? field[start..] : field.Slice(start, end)).ToString();
                rangeProblem ??= $"pixel {count + 1} is '{Shorten(token)}', expected an integer 0-255";
                i = end < 0 ? field.Length : start + end;
            }
            else if (count < pixels.Length)
            {
                pixels[count] = (byte)value;
            }
            count++;
        }
        if (count != PixelsPerImage)
        {
            return $"expected {PixelsPerImage} pixel values, found {count}";
        }
        return rangeProblem;
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "...";
}
