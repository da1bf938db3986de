using System.Text.Json;
using NativeCnn.Tests.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace NativeCnn.Tests.Faces;

/// <summary><c>nativecnn predict --detect-faces</c> on photos, as a user runs it: real photos composed into scenes at known places.</summary>
public class DetectFacesCommandTests : FaceTestBase
{
    private static (JsonElement Root, JsonDocument Document) ParseLine(string line)
    {
        var document = JsonDocument.Parse(line);
        return (document.RootElement, document);
    }

    private static (int X, int Y, int Width, int Height) Box(JsonElement face)
    {
        var b = face.GetProperty("box");
        return (b.GetProperty("x").GetInt32(), b.GetProperty("y").GetInt32(), b.GetProperty("width").GetInt32(), b.GetProperty("height").GetInt32());
    }

    [Test]
    public void A_composed_four_face_scene_gives_four_boxes_each_on_a_placed_face_and_an_annotated_copy()
    {
        var placements = Scenes.FourFaces();
        string scene = Path.Combine(Temp, "scene.png");
        using (var image = Scenes.Compose(1200, 560, placements)) image.SaveAsPng(scene);
        string output = Path.Combine(Temp, "annotated");

        var (code, stdout, stderr) = Cli.Run("predict", "--checkpoint", SeedCheckpoint(), "--detect-faces", scene, "--out", output, "--json", "--top", "2");

        Assert.That(code, Is.EqualTo(0), stderr);
        var (root, document) = ParseLine(stdout.Trim());
        using (document)
        {
            Assert.That(root.GetProperty("width").GetInt32(), Is.EqualTo(1200));
            var faces = root.GetProperty("faces").EnumerateArray().ToList();
            Assert.That(faces, Has.Count.EqualTo(4), stdout);
            var boxes = faces.Select(Box).ToList();
            // Each placed photo holds exactly one box's centre; boxes come left to right, as the photos were placed.
            for (int i = 0; i < 4; i++)
            {
                var b = boxes[i];
                Assert.That(placements[i].HoldsCentreOf(b.X, b.Y, b.Width, b.Height), Is.True, $"box {b} is not on {placements[i].Photo} at {placements[i].Area}");
                Assert.That(b.Width, Is.InRange(placements[i].Area.Width / 2, placements[i].Area.Width * 6 / 5), $"box {b}: face-sized");
            }
            foreach (var face in faces)
            {
                var p = face.GetProperty("predictions").EnumerateArray().Select(e => e.GetProperty("probability").GetDouble()).ToArray();
                Assert.That(p, Has.Length.EqualTo(2));
                Assert.That(p, Is.Ordered.Descending);
                Assert.That(face.GetProperty("predictions")[0].GetProperty("class").GetString(), Is.AnyOf("happy", "sad", "neutral", "surprise"));
            }

            // The annotated copy: same size as the scene; the box outline is drawn in its colour on each face,
            // and away from the faces the scene is untouched.
            string annotated = root.GetProperty("annotated").GetString()!;
            Assert.That(annotated, Is.EqualTo(Path.Combine(output, "scene.faces.png")));
            using var drawn = Image.Load<Rgb24>(annotated);
            using var original = Image.Load<Rgb24>(scene);
            Assert.That((drawn.Width, drawn.Height), Is.EqualTo((1200, 560)));
            foreach (var b in boxes)
                Assert.That(drawn[b.X, b.Y + b.Height / 2], Is.EqualTo(new Rgb24(0, 200, 60)), $"left edge of box {b}");
            Assert.That(drawn[5, 5], Is.EqualTo(original[5, 5]));
        }
    }

    [Test]
    public void Each_real_photo_alone_gives_one_face_in_its_middle()
    {
        // The four expression photos, and LFW crops of the head (350x350 gray) from muxspace.
        string[] photos = [.. Scenes.ExpressionPhotos, "Aaron_Pena_0001.jpg", "George_W_Bush_0003.jpg", "Colin_Powell_0005.jpg"];
        string folder = Path.Combine(Temp, "photos");
        Directory.CreateDirectory(folder);
        foreach (string photo in photos) File.Copy(Scenes.Muxspace(photo), Path.Combine(folder, photo));

        var (code, stdout, stderr) = Cli.Run("predict", "--checkpoint", SeedCheckpoint(), "--detect-faces", folder, "--json");

        Assert.That(code, Is.EqualTo(0), stderr);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(photos.Length), "a folder's images in name order, one line each");
        foreach (string line in lines)
        {
            var (root, document) = ParseLine(line);
            using (document)
            {
                string file = root.GetProperty("file").GetString()!;
                var faces = root.GetProperty("faces").EnumerateArray().ToList();
                Assert.That(faces, Has.Count.EqualTo(1), file);
                var (x, y, w, h) = Box(faces[0]);
                int width = root.GetProperty("width").GetInt32(), height = root.GetProperty("height").GetInt32();
                Assert.That(x + w / 2.0, Is.InRange(width * 0.25, width * 0.75), file);
                Assert.That(y + h / 2.0, Is.InRange(height * 0.25, height * 0.75), file);
                Assert.That(root.GetProperty("annotated").ValueKind, Is.EqualTo(JsonValueKind.Null), "no --out, no copy");
            }
        }
    }

    [Test]
    public void A_photo_without_a_face_says_so_and_an_unreadable_file_is_one_error_line()
    {
        // A real photo turned upside down: a frontal-face cascade finds nothing in it.
        string upsideDown = Path.Combine(Temp, "upside-down.jpg");
        using (var photo = Image.Load<Rgb24>(Scenes.Muxspace(Scenes.ExpressionPhotos[2])))
        {
            photo.Mutate(c => c.Flip(FlipMode.Vertical));
            photo.SaveAsJpeg(upsideDown);
        }
        string broken = Path.Combine(Temp, "broken.jpg");
        File.WriteAllBytes(broken, [0xFF, 0xD8, 0xFF, 0xE0, 0, 16, 1, 2, 3]);
        string missing = Path.Combine(Temp, "absent.jpg");
        string face = Scenes.Muxspace(Scenes.ExpressionPhotos[0]);

        var (code, stdout, stderr) = Cli.Run("predict", "--checkpoint", SeedCheckpoint(), "--detect-faces", upsideDown, broken, missing, face);

        Assert.That(code, Is.EqualTo(1), "two inputs could not be read");
        var errors = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.That(errors, Has.Length.EqualTo(2), stderr);
        Assert.That(errors[0], Does.StartWith("error: ").And.Contain("absent.jpg").And.Contain("does not exist"));
        Assert.That(errors[1], Does.StartWith("error: ").And.Contain("broken.jpg"));
        Assert.That(stderr, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(stdout, Does.Contain($"{upsideDown}: no face found"));
        Assert.That(stdout, Does.Contain($"{face}: 1 face"), "the files after the bad ones are still processed");
        Assert.That(stdout, Does.Match(@"face 1 at x \d+, y \d+, \d+x\d+: \w+ \d+\.\d %, \w+ \d+\.\d %, \w+ \d+\.\d %"));

        var (alone, _, aloneError) = Cli.Run("predict", "--checkpoint", SeedCheckpoint(), "--detect-faces", upsideDown);
        Assert.That(alone, Is.EqualTo(0), "a photo with no face is not an error: " + aloneError);
    }

    [TestCase(new[] { "--every", "2" }, "--every applies to --video and --camera only")]
    [TestCase(new[] { "--video", "clip.mp4" }, "--video needs --out DIR")]
    [TestCase(new[] { "--camera", "0", "--video", "clip.mp4", "--out", "x" }, "give --video or --camera, not both")]
    [TestCase(new[] { "--scale-factor", "1" }, "scale factor 1 must be a number greater than 1")]
    [TestCase(new[] { "--face-margin", "1.5" }, "face margin 1.5 must be a fraction in [0, 1]")]
    [TestCase(new[] { "--min-face", "0" }, "min face size 0 must be at least 1 pixel")]
    public void Bad_face_options_are_one_clear_line(string[] options, string expected)
    {
        string photo = Scenes.Muxspace(Scenes.ExpressionPhotos[0]);
        string[] images = options.Contains("--video") || options.Contains("--camera") ? [] : [photo];
        var (code, stdout, stderr) = Cli.Run(["predict", "--checkpoint", SeedCheckpoint(), "--detect-faces", .. options, .. images]);
        Assert.That(code, Is.EqualTo(1), stdout);
        Assert.That(stderr, Does.StartWith("error: " + expected));
        Assert.That(stderr.Trim().Split('\n'), Has.Length.EqualTo(1), "one line");
    }

    [Test]
    public void Face_options_without_detect_faces_and_a_missing_cascade_are_clear_errors()
    {
        string photo = Scenes.Muxspace(Scenes.ExpressionPhotos[0]);
        var (code, _, stderr) = Cli.Run("predict", "--checkpoint", SeedCheckpoint(), "--out", Temp, photo);
        Assert.That((code, stderr.Trim()), Is.EqualTo((1, "error: --out needs --detect-faces")));

        string cascade = Path.Combine(Temp, "none.xml");
        (code, _, stderr) = Cli.Run("predict", "--checkpoint", SeedCheckpoint(), "--detect-faces", "--cascade", cascade, photo);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr.Trim(), Is.EqualTo($"error: {cascade}: cascade file not found; expected an OpenCV Haar cascade XML such as haarcascade_frontalface_default.xml"));

        File.WriteAllText(cascade, "<?xml version=\"1.0\"?><opencv_storage></opencv_storage>");
        (code, _, stderr) = Cli.Run("predict", "--checkpoint", SeedCheckpoint(), "--detect-faces", "--cascade", cascade, photo);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.StartWith($"error: {cascade}: "));
        Assert.That(stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
    }
}
