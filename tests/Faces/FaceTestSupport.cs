using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Serialization;
using NativeCnn.Tests.Support;
using OpenCvSharp;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;
using Size = SixLabors.ImageSharp.Size;

namespace NativeCnn.Tests.Faces;

/// <summary>
/// Base of the face-detection tests: a temporary folder, a seed004 checkpoint with random weights
/// (these tests are about finding and cropping faces, not about how well a model classifies them),
/// and OpenCV's native library, which needs the Debian packages of scripts/install-face-detection.sh:
/// without them the tests are skipped with that reason, or fail when NATIVECNN_REQUIRE_OPENCV=1 (CI).
/// </summary>
public abstract class FaceTestBase
{
    protected string Temp { get; private set; } = "";

    [OneTimeSetUp]
    public void RequireOpenCv()
    {
        try
        {
            _ = Cv2.GetVersionString();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException)
        {
            string reason = $"OpenCV's native library does not load ({e.GetBaseException().Message.Split('\n')[0]}); run scripts/install-face-detection.sh";
            if (Environment.GetEnvironmentVariable("NATIVECNN_REQUIRE_OPENCV") == "1") Assert.Fail("NATIVECNN_REQUIRE_OPENCV=1: " + reason);
            Assert.Ignore(reason);
        }
    }

    [SetUp]
    public void CreateTemp() => Directory.CreateDirectory(Temp = Path.Combine(Path.GetTempPath(), "nativecnn-faces-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void DeleteTemp() => Directory.Delete(Temp, recursive: true);

    /// <summary>seed004 (48x48x1, happy / sad / neutral / surprise) with its seeded random initial weights, saved as a model file.</summary>
    protected string SeedCheckpoint()
    {
        string path = Path.Combine(Temp, "seed004.safetensors");
        using var device = new CpuDevice();
        using var model = Sequential.Build(ArchitectureSpec.Load(RepositoryPaths.Model("seed004")), device, seed: 7);
        Checkpoint.Save(path, model);
        return path;
    }
}

/// <summary>Where a real photo was placed in a composed scene.</summary>
/// <param name="Photo">The muxspace file.</param>
/// <param name="Area">The rectangle it was resized into, pixels.</param>
internal sealed record Placement(string Photo, Rectangle Area)
{
    /// <summary>
    /// The part of the placed photo where its face is: the muxspace photos used here show a head and
    /// shoulders, the face in the middle 80 % of the width and between 20 % and 85 % of the height
    /// (measured on the originals).
    /// </summary>
    public Rectangle FaceRegion => new(Area.X + Area.Width / 10, Area.Y + Area.Height / 5, Area.Width * 8 / 10, Area.Height * 65 / 100);

    /// <summary>Whether the centre of a box (x, y, width, height) lies in <see cref="FaceRegion"/>.</summary>
    public bool HoldsCentreOf(int x, int y, int width, int height) => FaceRegion.Contains(x + width / 2, y + height / 2);
}

/// <summary>Scenes composed from real muxspace photos (LFW-style photos with the head and the background) at known positions.</summary>
internal static class Scenes
{
    /// <summary>
    /// Four photos of one person with four expressions, head, shoulders and a wall behind (356x536
    /// colour; the last is WebP data under a .jpg name). Labelled fear, disgust, surprise, anger in legend.csv.
    /// </summary>
    public static readonly string[] ExpressionPhotos =
        ["facial-expressions_2868582k.jpg", "facial-expressions_2868584k.jpg", "facial-expressions_2868585k.jpg", "facial-expressions_2868588k.jpg"];

    public static string Muxspace(string name) => Path.Combine(RepositoryPaths.SharedData, "muxspace", "images", name);

    /// <summary>
    /// A canvas of <paramref name="width"/> x <paramref name="height"/> with a soft grey gradient (a plain
    /// wall), each photo resized (ImageSharp's bicubic) into its rectangle.
    /// </summary>
    public static Image<Rgb24> Compose(int width, int height, IEnumerable<Placement> placements)
    {
        var canvas = new Image<Rgb24>(width, height);
        canvas.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < height; y++)
            {
                Span<Rgb24> row = rows.GetRowSpan(y);
                for (int x = 0; x < width; x++)
                {
                    byte v = (byte)(150 + 60 * x / width - 30 * y / height);
                    row[x] = new Rgb24(v, v, (byte)(v - 10));
                }
            }
        });
        foreach (var p in placements)
        {
            using var photo = Image.Load<Rgb24>(Muxspace(p.Photo));
            photo.Mutate(c => c.Resize(new Size(p.Area.Width, p.Area.Height)));
            canvas.Mutate(c => c.DrawImage(photo, new SixLabors.ImageSharp.Point(p.Area.X, p.Area.Y), 1f));
        }
        return canvas;
    }

    /// <summary>The four expression photos, 200x300 each, at staggered heights on a 1200x560 canvas.</summary>
    public static IReadOnlyList<Placement> FourFaces() =>
    [
        new(ExpressionPhotos[0], new Rectangle(60, 40, 200, 300)),
        new(ExpressionPhotos[1], new Rectangle(350, 230, 200, 300)),
        new(ExpressionPhotos[2], new Rectangle(640, 110, 200, 300)),
        new(ExpressionPhotos[3], new Rectangle(930, 250, 200, 300)),
    ];

    /// <summary>An ImageSharp image as an OpenCV BGR frame (what a VideoCapture delivers).</summary>
    public static Mat ToBgrMat(Image<Rgb24> image)
    {
        var mat = new Mat(image.Height, image.Width, MatType.CV_8UC3);
        image.ProcessPixelRows(rows =>
        {
            for (int y = 0; y < image.Height; y++)
            {
                Span<Rgb24> row = rows.GetRowSpan(y);
                for (int x = 0; x < image.Width; x++) mat.Set(y, x, new Vec3b(row[x].B, row[x].G, row[x].R));
            }
        });
        return mat;
    }
}
