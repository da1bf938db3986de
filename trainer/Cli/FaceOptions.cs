using System.CommandLine;
using NativeCnn.Faces;
using NativeCnn.Trainer.Training;

namespace NativeCnn.Trainer.Cli;

/// <summary>What <c>predict --detect-faces</c> was asked to do.</summary>
/// <param name="Detection">Detector settings and crop margin.</param>
/// <param name="OutputFolder">--out: where annotated images, the annotated video and timeline.csv go, or null.</param>
/// <param name="Video">--video: a video file to run over, or null.</param>
/// <param name="Camera">--camera: a camera index to run on, or null.</param>
/// <param name="Every">--every: classify every N-th video frame.</param>
internal sealed record FaceRequest(FaceDetectionOptions Detection, string? OutputFolder, string? Video, int? Camera, int Every);

/// <summary>
/// The predict options of face detection (<c>--detect-faces</c> and the settings that go with it),
/// and the checks of how they combine: a video or camera run takes no image arguments and needs
/// <c>--out</c>; none of them means anything without <c>--detect-faces</c>.
/// </summary>
internal sealed class FaceOptions
{
    private readonly Option<bool> _detectFaces = new("--detect-faces")
    { Description = "Find the faces in photos (or a video or camera) with OpenCV's Haar cascade and classify each one" };
    private readonly Option<string?> _out = new("--out")
    { Description = "--detect-faces: folder for annotated copies of the images, or for a video run's annotated video and timeline.csv" };
    private readonly Option<string?> _video = new("--video") { Description = "--detect-faces: a video file to run over (needs --out)" };
    private readonly Option<int?> _camera = new("--camera") { Description = "--detect-faces: run live on this camera (0 = /dev/video0) until Ctrl+C (needs --out)" };
    private readonly Option<int> _every = new("--every")
    { Description = "--video/--camera: classify the faces of every N-th frame", DefaultValueFactory = _ => 1 };
    private readonly Option<double> _scaleFactor = new("--scale-factor")
    { Description = "--detect-faces: how much the search window grows per scale (> 1; larger is faster, misses more)", DefaultValueFactory = _ => new FaceDetectionOptions().ScaleFactor };
    private readonly Option<int> _minNeighbors = new("--min-neighbors")
    { Description = "--detect-faces: overlapping detections a face needs (larger: fewer false faces, more missed)", DefaultValueFactory = _ => new FaceDetectionOptions().MinNeighbors };
    private readonly Option<int> _minFace = new("--min-face")
    { Description = "--detect-faces: smallest face searched for, pixels", DefaultValueFactory = _ => new FaceDetectionOptions().MinFaceSize };
    private readonly Option<double> _margin = new("--face-margin")
    { Description = "--detect-faces: fraction of the box added on each side before the face is cropped", DefaultValueFactory = _ => new FaceDetectionOptions().Margin };
    private readonly Option<string?> _cascade = new("--cascade")
    { Description = "--detect-faces: a Haar cascade XML file (default: the shipped haarcascade_frontalface_default.xml)" };

    /// <summary>The options, to add to the predict command.</summary>
    public IEnumerable<Option> All => [_detectFaces, _out, _video, _camera, _every, _scaleFactor, _minNeighbors, _minFace, _margin, _cascade];

    /// <summary>The face request the command line gave, or null for a plain predict.</summary>
    /// <param name="r">The parse result.</param>
    /// <param name="images">The image arguments.</param>
    /// <exception cref="CliException">The options do not fit together, or --every is below 1.</exception>
    public FaceRequest? Read(ParseResult r, IReadOnlyList<string> images)
    {
        if (!r.GetValue(_detectFaces))
        {
            if (All.FirstOrDefault(o => o != _detectFaces && r.GetResult(o) is { Implicit: false }) is { } stray)
                throw new CliException($"{stray.Name} needs --detect-faces");
            return null;
        }
        string? video = r.GetValue(_video), output = r.GetValue(_out);
        int? camera = r.GetValue(_camera);
        int every = r.GetValue(_every);
        if (video is not null && camera is not null) throw new CliException("give --video or --camera, not both");
        bool stream = video is not null || camera is not null;
        string streamOption = video is not null ? "--video" : "--camera";
        if (stream && images.Count > 0) throw new CliException($"{streamOption} takes no image arguments (got '{images[0]}')");
        if (stream && output is null) throw new CliException($"{streamOption} needs --out DIR for the annotated video and timeline.csv");
        if (!stream && images.Count == 0) throw new CliException("--detect-faces needs image files or folders, --video FILE or --camera INDEX");
        if (!stream && r.GetResult(_every) is { Implicit: false }) throw new CliException("--every applies to --video and --camera only");
        if (every < 1) throw new CliException($"--every {every}: must be 1 or more");
        var detection = new FaceDetectionOptions
        {
            ScaleFactor = r.GetValue(_scaleFactor), MinNeighbors = r.GetValue(_minNeighbors), MinFaceSize = r.GetValue(_minFace),
            Margin = r.GetValue(_margin), CascadePath = r.GetValue(_cascade) ?? FaceDetectionOptions.DefaultCascadePath,
        };
        detection.Validate();
        return new FaceRequest(detection, output, video, camera, every);
    }
}
