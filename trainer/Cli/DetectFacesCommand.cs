using System.Diagnostics;
using System.Text.Json;
using NativeCnn.Data;
using NativeCnn.Data.Imaging;
using NativeCnn.Engine.Models;
using NativeCnn.Faces;
using NativeCnn.Trainer.Training;

namespace NativeCnn.Trainer.Cli;

/// <summary>
/// <c>nativecnn predict --checkpoint FILE --detect-faces IMAGE|FOLDER... [--out DIR] [--json]</c>, and
/// <c>--video FILE</c> / <c>--camera INDEX</c> with <c>--out DIR</c>: every face found is classified;
/// per face the box and the most likely classes, annotated copies, an annotated video and timeline.csv.
/// A photo without a face says so (exit code 0); a file that cannot be read is one error line, the
/// other files are still processed, and the exit code is 1.
/// </summary>
internal static class DetectFacesCommand
{
    /// <summary>Runs the request with a loaded model; returns the exit code.</summary>
    /// <exception cref="CliException">The cascade, the video or the camera cannot be used.</exception>
    public static int Run(Sequential model, IReadOnlyList<string> images, int top, bool json, FaceRequest request)
    {
        try
        {
            using var classifier = new FaceClassifier(model, request.Detection);
            return request.Video is not null || request.Camera is not null
                ? RunVideo(classifier, json, request)
                : RunImages(classifier, images, top, json, request.OutputFolder);
        }
        catch (FaceDetectionException e)
        {
            throw new CliException(e.Message);
        }
    }

    private static int RunImages(FaceClassifier classifier, IReadOnlyList<string> paths, int top, bool json, string? outputFolder)
    {
        var missing = new List<DatasetIssue>();
        IReadOnlyList<string> files = ImageFiles.List(paths, missing);
        foreach (var issue in missing) Console.Error.WriteLine($"error: {issue}");
        if (files.Count == 0 && missing.Count == 0) throw new CliException($"no image files in {string.Join(", ", paths)}");
        var scenes = new SceneImages(classifier, outputFolder);
        int failed = missing.Count;
        foreach (string file in files)
        {
            SceneFaces result;
            try
            {
                result = scenes.Process(file);
            }
            catch (Exception e) when (e is DatasetException or IOException or UnauthorizedAccessException or FaceDetectionException)
            {
                // ImageDecodeException's message names the file already; the others get it in front.
                Console.Error.WriteLine("error: " + (e.Message.Contains(file, StringComparison.Ordinal) ? e.Message : $"{file}: {e.Message}"));
                failed++;
                continue;
            }
            Console.WriteLine(json ? JsonSerializer.Serialize(ToJson(result, top)) : Describe(result, top));
        }
        return failed == 0 ? 0 : 1;
    }

    private static object ToJson(SceneFaces r, int top) => new
    {
        file = r.File,
        width = r.Width,
        height = r.Height,
        faces = r.Faces.Select(f => new
        {
            box = new { x = f.Box.X, y = f.Box.Y, width = f.Box.Width, height = f.Box.Height },
            predictions = f.Prediction.Top(top).Select(p => new { @class = p.Class, probability = p.Probability }),
        }),
        annotated = r.AnnotatedFile,
    };

    private static string Describe(SceneFaces r, int top)
    {
        var lines = new List<string>
        {
            r.Faces.Count switch { 0 => $"{r.File}: no face found", 1 => $"{r.File}: 1 face", var n => $"{r.File}: {n} faces" },
        };
        lines.AddRange(r.Faces.Select((f, i) => $"  face {i + 1} at x {f.Box.X}, y {f.Box.Y}, {f.Box.Width}x{f.Box.Height}: "
            + string.Join(", ", f.Prediction.Top(top).Select(p => $"{p.Class} {p.Probability:P1}"))));
        if (r.AnnotatedFile is not null) lines.Add($"  annotated: {r.AnnotatedFile}");
        return string.Join(Environment.NewLine, lines);
    }

    private static int RunVideo(FaceClassifier classifier, bool json, FaceRequest request)
    {
        string output = request.OutputFolder!;
        VideoSummary summary;
        if (request.Video is { } video)
        {
            summary = VideoFaces.ProcessFile(video, classifier, output, request.Every, json ? null : ProgressPrinter(null));
        }
        else
        {
            using var stop = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; stop.Cancel(); };
            Console.CancelKeyPress += onCancel;
            try
            {
                var progress = json ? null : ProgressPrinter($"camera {request.Camera}: recording into {output}; press Ctrl+C to stop");
                summary = VideoFaces.ProcessCamera(request.Camera!.Value, classifier, output, request.Every, progress, stop.Token);
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        }
        string source = request.Video ?? $"camera {request.Camera}";
        if (json)
        {
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                source, frames = summary.Frames, processed_frames = summary.ProcessedFrames, every = request.Every, faces = summary.Faces,
                fps = summary.FramesPerSecond, annotated_video = summary.AnnotatedVideo, frames_folder = summary.FramesFolder, timeline = summary.Timeline,
            }));
            return 0;
        }
        Console.WriteLine($"{source}: {summary.Frames} frames, {summary.ProcessedFrames} classified (every {request.Every}), {summary.Faces} faces");
        Console.WriteLine(summary.AnnotatedVideo is not null
            ? $"annotated video: {summary.AnnotatedVideo}"
            : $"annotated frames: {summary.FramesFolder} (this platform's OpenCV encodes no video)");
        Console.WriteLine($"timeline: {summary.Timeline}");
        return 0;
    }

    /// <summary>
    /// A progress line at most every two seconds, so a long video shows it is moving without flooding a
    /// log; <paramref name="firstLine"/>, when given, is printed once the first frame has arrived.
    /// </summary>
    private static Action<VideoProgress> ProgressPrinter(string? firstLine)
    {
        var clock = Stopwatch.StartNew();
        return p =>
        {
            if (p.Frame == 0 && firstLine is not null) Console.WriteLine(firstLine);
            if (clock.Elapsed < TimeSpan.FromSeconds(2)) return;
            clock.Restart();
            Console.WriteLine(p.FrameCount is { } count ? $"frame {p.Frame + 1}/{count}: {p.Faces} faces" : $"frame {p.Frame + 1}: {p.Faces} faces");
        };
    }
}
