using System.Diagnostics;
using OpenCvSharp;

namespace NativeCnn.Faces;

/// <summary>How a video or camera run went.</summary>
/// <param name="Frames">Frames read.</param>
/// <param name="ProcessedFrames">Frames whose faces were detected and classified (every N-th, starting with frame 0).</param>
/// <param name="Faces">Faces found over all processed frames: the timeline's rows.</param>
/// <param name="FramesPerSecond">The frame rate the output was written at: the source's, or 30 when it gives none.</param>
/// <param name="AnnotatedVideo">The annotated video (annotated.mp4, or annotated.avi), or null when this platform's OpenCV encodes neither.</param>
/// <param name="FramesFolder">Where annotated processed frames went instead of a video, or null when a video was written.</param>
/// <param name="Timeline">timeline.csv: frame, time_s, x, y, width, height, class, probability; one row per face per processed frame.</param>
public sealed record VideoSummary(int Frames, int ProcessedFrames, int Faces, double FramesPerSecond, string? AnnotatedVideo, string? FramesFolder, string Timeline);

/// <summary>Progress of a video or camera run, reported after each processed frame.</summary>
/// <param name="Frame">Index of the frame just processed (0-based).</param>
/// <param name="FrameCount">Frames in the video, or null for a camera or a container that does not say.</param>
/// <param name="Faces">Faces in that frame.</param>
public readonly record struct VideoProgress(int Frame, int? FrameCount, int Faces);

/// <summary>
/// Face detection on video files and cameras, through OpenCV's VideoCapture: every N-th frame's faces
/// are classified (<see cref="FaceClassifier"/>, on PIL's grayscale of the frame), every frame is
/// written to an annotated video with the latest processed frame's boxes (so the video keeps the
/// source's length and frame rate), and each face becomes a row of timeline.csv. The video is
/// MPEG-4 Part 2 ('mp4v') in annotated.mp4, or Motion JPEG in annotated.avi where OpenCV's FFmpeg
/// cannot write the first, or else annotated JPEG frames (frames/frame_NNNNNN.jpg, processed frames
/// only). Outputs appear under their final names only when complete.
/// </summary>
public static class VideoFaces
{
    /// <summary>The timeline's header line.</summary>
    public const string TimelineHeader = "frame,time_s,x,y,width,height,class,probability";

    private const double FallbackFramesPerSecond = 30;

    /// <summary>Runs over a video file.</summary>
    /// <param name="path">A video OpenCV's FFmpeg reads (MP4, AVI, MKV, MOV, WebM, ...).</param>
    /// <param name="classifier">Finds and classifies the faces.</param>
    /// <param name="outputFolder">Where annotated.mp4 (or .avi, or frames/) and timeline.csv go; created if missing.</param>
    /// <param name="every">Classify frames 0, N, 2N, ...; N ≥ 1.</param>
    /// <param name="progress">Told after each processed frame, or null.</param>
    /// <param name="cancellation">Stops after the current frame; what was processed so far is written.</param>
    /// <returns>What was read and written.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="every"/> is less than 1.</exception>
    /// <exception cref="FaceDetectionException">The file does not exist, cannot be opened as a video, or has no frame.</exception>
    /// <exception cref="IOException">An output cannot be written.</exception>
    public static VideoSummary ProcessFile(string path, FaceClassifier classifier, string outputFolder, int every,
        Action<VideoProgress>? progress = null, CancellationToken cancellation = default)
    {
        if (!File.Exists(path)) throw new FaceDetectionException($"{path}: video file not found");
        using var capture = OpenCvNative.Call(() => new VideoCapture(path), path);
        if (!capture.IsOpened()) throw new FaceDetectionException($"{path}: OpenCV cannot open this file as a video");
        int count = capture.FrameCount;
        return Process(capture, path, live: false, count > 0 ? count : null, classifier, outputFolder, every, progress, cancellation);
    }

    /// <summary>Runs on a camera until <paramref name="cancellation"/> fires (Ctrl+C on the command line) or the camera stops delivering frames.</summary>
    /// <param name="index">The camera's index (0 is /dev/video0 on Linux).</param>
    /// <param name="classifier">Finds and classifies the faces.</param>
    /// <param name="outputFolder">As for <see cref="ProcessFile"/>.</param>
    /// <param name="every">As for <see cref="ProcessFile"/>.</param>
    /// <param name="progress">Told after each processed frame, or null.</param>
    /// <param name="cancellation">Ends the run; what was recorded is written.</param>
    /// <returns>What was read and written; time_s is measured from the first frame.</returns>
    /// <exception cref="FaceDetectionException">No camera with that index can be opened, or it delivers no frame.</exception>
    public static VideoSummary ProcessCamera(int index, FaceClassifier classifier, string outputFolder, int every,
        Action<VideoProgress>? progress = null, CancellationToken cancellation = default)
    {
        using var capture = OpenCvNative.Call(() => new VideoCapture(index), $"camera {index}");
        if (!capture.IsOpened()) throw new FaceDetectionException($"camera {index}: OpenCV cannot open it (no such camera, or it is in use)");
        return Process(capture, $"camera {index}", live: true, frameCount: null, classifier, outputFolder, every, progress, cancellation);
    }

    private static VideoSummary Process(VideoCapture capture, string source, bool live, int? frameCount, FaceClassifier classifier,
        string outputFolder, int every, Action<VideoProgress>? progress, CancellationToken cancellation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(every, 1);
        Directory.CreateDirectory(outputFolder);
        double sourceFps = capture.Fps;
        double fps = double.IsFinite(sourceFps) && sourceFps > 0 ? sourceFps : FallbackFramesPerSecond;
        var clock = Stopwatch.StartNew();
        using var frame = new Mat();
        using var timeline = new TimelineWriter(Path.Combine(outputFolder, "timeline.csv"));
        AnnotatedVideoWriter? video = null;
        try
        {
            int frames = 0, processed = 0, faceCount = 0;
            IReadOnlyList<DetectedFace> latest = [];
            while (!cancellation.IsCancellationRequested && capture.Read(frame) && !frame.Empty())
            {
                if (frames == 0) clock.Restart();
                video ??= AnnotatedVideoWriter.Open(outputFolder, fps, new Size(frame.Width, frame.Height));
                bool classify = frames % every == 0;
                if (classify)
                {
                    latest = classifier.Classify(BgrFrame.ToGray(frame), source);
                    double seconds = live ? clock.Elapsed.TotalSeconds : frames / fps;
                    timeline.Add(frames, seconds, latest);
                    processed++;
                    faceCount += latest.Count;
                }
                FaceAnnotator.Draw(frame, latest);
                video.Write(frame, frames, classify);
                if (classify) progress?.Invoke(new VideoProgress(frames, frameCount, latest.Count));
                frames++;
            }
            if (frames == 0) throw new FaceDetectionException($"{source}: no frame could be read");
            string timelinePath = timeline.Complete();
            (string? videoPath, string? framesFolder) = video!.Complete();
            return new VideoSummary(frames, processed, faceCount, fps, videoPath, framesFolder, timelinePath);
        }
        finally
        {
            video?.Dispose();
        }
    }
}
