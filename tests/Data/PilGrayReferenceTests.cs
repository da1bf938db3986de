using System.Security.Cryptography;
using NativeCnn.Data;
using NativeCnn.Data.Imaging;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NativeCnn.Tests.Data;

/// <summary>
/// Our grayscale against PIL's, the decoder Keras' load_img uses: real FER-2013 and muxspace
/// files (the WebP named .jpg among them) and one real face saved in every format and pixel
/// layout we support. The reference (tests/Data/Fixtures/pil-gray) was made once with PIL 9.4 by
/// scripts/make-pil-gray-fixtures.py; see that script for how.
/// </summary>
[TestFixture]
public sealed class PilGrayReferenceTests
{
    private static string Fixture => Path.Combine(TestPaths.RepoRoot, "tests", "Data", "Fixtures", "pil-gray");

    private sealed record Entry(string Path, string PilMode, int Width, int Height, string Expected);

    private static List<Entry> Manifest() =>
        File.ReadAllLines(Path.Combine(Fixture, "manifest.tsv")).Where(l => !l.StartsWith('#')).Select(l => l.Split('\t')).Select(f =>
            new Entry(Path.Combine(f[0] == "shared" ? TestPaths.SharedData : Fixture, f[1]), f[2], int.Parse(f[3]), int.Parse(f[4]), f[5])).ToList();

    [Test]
    public void EveryFileDecodesToPilsGrayWithinOneLevelForJpegAndExactlyOtherwise()
    {
        var decoder = new GrayImageDecoder();
        List<Entry> entries = Manifest();
        Assert.That(entries, Has.Count.GreaterThanOrEqualTo(20));
        Assert.Multiple(() =>
        {
            foreach (Entry entry in entries)
            {
                string name = Path.GetFileName(entry.Path);
                DecodedImage ours = decoder.DecodeFile(entry.Path);
                Assert.That((ours.Width, ours.Height, ours.Channels), Is.EqualTo((entry.Width, entry.Height, 1)), name);
                bool jpeg = decoder.DetectFormat(entry.Path)!.Value.Name == "JPEG";
                if (entry.Expected.StartsWith("sha256:", StringComparison.Ordinal))
                {
                    Assert.That(Convert.ToHexStringLower(SHA256.HashData(ours.Pixels)), Is.EqualTo(entry.Expected["sha256:".Length..]),
                        $"{name}: bit-identical to PIL");
                    continue;
                }
                using var expected = Image.Load<L8>(Path.Combine(Fixture, entry.Expected));
                var reference = new byte[entry.Width * entry.Height];
                expected.CopyPixelDataTo(reference);
                int maxDifference = 0, differing = 0;
                for (int i = 0; i < reference.Length; i++)
                {
                    int difference = Math.Abs(ours.Pixels[i] - reference[i]);
                    maxDifference = Math.Max(maxDifference, difference);
                    differing += difference > 0 ? 1 : 0;
                }
                TestContext.Out.WriteLine($"{name,-36} PIL mode {entry.PilMode,-5} max |ours - PIL| {maxDifference}, {differing} of {reference.Length} pixels differ");
                Assert.That(maxDifference, Is.LessThanOrEqualTo(jpeg ? 1 : 0),
                    $"{name}: {(jpeg ? "JPEG IDCTs may differ by one level" : "lossless formats are bit-identical")}");
            }
        });
    }

    [Test]
    public void TheReferenceCoversEveryFormatAndLayoutWeSupport()
    {
        var decoder = new GrayImageDecoder();
        List<Entry> entries = Manifest();
        Assert.That(entries.Select(e => decoder.DetectFormat(e.Path)!.Value.Name).Distinct(),
            Is.EquivalentTo(new[] { "JPEG", "PNG", "BMP", "GIF", "TIFF", "WebP" }));
        // PIL's modes: gray and colour JPEG, CMYK JPEG, RGBA, palette, gray+alpha, 16-bit gray (I).
        Assert.That(entries.Select(e => e.PilMode).Distinct(), Is.SupersetOf(new[] { "L", "RGB", "CMYK", "RGBA", "P", "LA", "I" }));
        Assert.That(entries.Select(e => Path.GetFileName(e.Path)),
            Is.SupersetOf(new[] { "progressive.jpg", "rgb16.png", "gray16.png", "palette-transparent.png", "facial-expressions_2868588k.jpg" }));
    }
}
