using System.Globalization;
using System.Text.Json;
using NativeCnn.Faces;
using NativeCnn.Tests.Support;
using OpenCvSharp;
using Rectangle = SixLabors.ImageSharp.Rectangle;

namespace NativeCnn.Tests.Faces;

/// <summary><c>predict --detect-faces --video</c> on a short video made here from real photos, and the camera path's errors.</summary>
public class VideoCommandTests : FaceTestBase
{
    private const int Frames = 7, Fps = 10, Width = 640, Height = 400;

    /// <summary>
    /// Frames 0-4: two expression photos drifting right 8 pixels a frame; frames 5-6: a third photo alone.
    /// Written with OpenCV's VideoWriter (Motion JPEG in AVI) as a camera or an editor would write it.
    /// </summary>
    private (string Path, List<Placement>[] Placed) MakeVideo()
    {
        string path = Path.Combine(Temp, "clip.avi");
        var placed = new List<Placement>[Frames];
        using var writer = new VideoWriter(path, VideoWriter.FourCC("MJPG"), Fps, new OpenCvSharp.Size(Width, Height));
        Assert.That(writer.IsOpened(), Is.True, "OpenCV writes Motion JPEG");
        for (int f = 0; f < Frames; f++)
        {
            placed[f] = f < 5
                ? [new(Scenes.ExpressionPhotos[0], new Rectangle(40 + 8 * f, 30, 200, 300)), new(Scenes.ExpressionPhotos[2], new Rectangle(360 + 8 * f, 80, 200, 300))]
                : [new(Scenes.ExpressionPhotos[1], new Rectangle(200, 60, 220, 330))];
            using var image = Scenes.Compose(Width, Height, placed[f]);
            using var frame = Scenes.ToBgrMat(image);
            writer.Write(frame);
        }
        return (path, placed);
    }

    [Test]
    public void A_short_video_gives_an_annotated_video_and_a_timeline_row_per_face_per_processed_frame()
    {
        var (video, placed) = MakeVideo();
        string output = Path.Combine(Temp, "out");

        var (code, stdout, stderr) = Cli.Run("predict", "--checkpoint", SeedCheckpoint(), "--detect-faces", "--video", video, "--every", "3", "--out", output, "--json");

        Assert.That(code, Is.EqualTo(0), stderr);
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.That(root.GetProperty("frames").GetInt32(), Is.EqualTo(Frames));
        Assert.That(root.GetProperty("processed_frames").GetInt32(), Is.EqualTo(3), "frames 0, 3 and 6");
        Assert.That(root.GetProperty("faces").GetInt32(), Is.EqualTo(5));
        Assert.That(root.GetProperty("fps").GetDouble(), Is.EqualTo(Fps));

        string[] lines = File.ReadAllLines(Path.Combine(output, "timeline.csv"));
        Assert.That(lines[0], Is.EqualTo("frame,time_s,x,y,width,height,class,probability"));
        var rows = lines.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.That(rows.Select(r => int.Parse(r[0], CultureInfo.InvariantCulture)), Is.EqualTo(new[] { 0, 0, 3, 3, 6 }), "one row per face per processed frame");
        foreach (var r in rows)
        {
            int frame = int.Parse(r[0], CultureInfo.InvariantCulture);
            Assert.That(r[1], Is.EqualTo((frame / (double)Fps).ToString("0.000", CultureInfo.InvariantCulture)), "time_s = frame / fps");
            var (x, y, w, h) = (int.Parse(r[2], CultureInfo.InvariantCulture), int.Parse(r[3], CultureInfo.InvariantCulture),
                int.Parse(r[4], CultureInfo.InvariantCulture), int.Parse(r[5], CultureInfo.InvariantCulture));
            Assert.That(placed[frame].Count(p => p.HoldsCentreOf(x, y, w, h)), Is.EqualTo(1), $"frame {frame}: box {x},{y},{w}x{h} on a placed face");
            Assert.That(r[6], Is.AnyOf("happy", "sad", "neutral", "surprise"));
            Assert.That(double.Parse(r[7], CultureInfo.InvariantCulture), Is.InRange(0.25, 1.0), "the top of four probabilities");
        }
        // The two faces of one frame are different boxes, left to right.
        Assert.That(int.Parse(rows[0][2], CultureInfo.InvariantCulture), Is.LessThan(int.Parse(rows[1][2], CultureInfo.InvariantCulture)));

        string annotated = root.GetProperty("annotated_video").GetString()!;
        Assert.That(annotated, Is.EqualTo(Path.Combine(output, "annotated.mp4")));
        using var capture = new VideoCapture(annotated);
        Assert.That(capture.IsOpened(), Is.True);
        Assert.That((capture.FrameWidth, capture.FrameHeight), Is.EqualTo((Width, Height)));
        int read = 0;
        using var frameMat = new Mat();
        while (capture.Read(frameMat) && !frameMat.Empty()) read++;
        Assert.That(read, Is.EqualTo(Frames), "every frame is in the annotated video, not only the processed ones");
        Assert.That(Directory.GetFiles(output).Select(Path.GetFileName), Is.EquivalentTo(new[] { "annotated.mp4", "timeline.csv" }), "no temporary file left");
    }

    [Test]
    public void Without_a_video_codec_the_processed_frames_are_written_as_images()
    {
        string folder = Path.Combine(Temp, "frames-run");
        Directory.CreateDirectory(folder);
        using var frame = Scenes.ToBgrMat(Scenes.Compose(320, 240, []));
        using (var writer = AnnotatedVideoWriter.Open(folder, Fps, new OpenCvSharp.Size(320, 240), codecs: []))
        {
            for (int i = 0; i < 5; i++) writer.Write(frame, i, processed: i % 2 == 0);
            Assert.That(writer.Complete(), Is.EqualTo(((string?)null, (string?)Path.Combine(folder, "frames"))));
        }
        Assert.That(Directory.GetFiles(Path.Combine(folder, "frames")).Select(Path.GetFileName).Order(),
            Is.EqualTo(new[] { "frame_000000.jpg", "frame_000002.jpg", "frame_000004.jpg" }));
        using var back = Cv2.ImRead(Path.Combine(folder, "frames", "frame_000002.jpg"));
        Assert.That((back.Width, back.Height), Is.EqualTo((320, 240)));
    }

    [Test]
    public void A_video_that_is_not_one_and_a_camera_that_is_not_there_are_one_error_line()
    {
        string notVideo = Path.Combine(Temp, "notes.mp4");
        File.WriteAllText(notVideo, "these are not video frames");
        var (code, _, stderr) = Cli.Run("predict", "--checkpoint", SeedCheckpoint(), "--detect-faces", "--video", notVideo, "--out", Path.Combine(Temp, "o"));
        Assert.That((code, stderr.Trim()), Is.EqualTo((1, $"error: {notVideo}: OpenCV cannot open this file as a video")));

        (code, _, stderr) = Cli.Run("predict", "--checkpoint", SeedCheckpoint(), "--detect-faces", "--camera", "63", "--out", Path.Combine(Temp, "o"));
        Assert.That((code, stderr.Trim()), Is.EqualTo((1, "error: camera 63: OpenCV cannot open it (no such camera, or it is in use)")));
    }
}
