namespace NativeCnn.Faces;

/// <summary>
/// Settings of the Haar cascade search (OpenCV's <c>CascadeClassifier::detectMultiScale</c>) and of
/// the crop each face is classified from. The defaults are the usual ones for frontal faces in
/// photos and webcam frames.
/// </summary>
public sealed record FaceDetectionOptions
{
    /// <summary>The cascade shipped next to this assembly: OpenCV's haarcascade_frontalface_default.xml (Intel License Agreement, cascades/LICENSE.txt).</summary>
    public static string DefaultCascadePath { get; } =
        Path.Combine(AppContext.BaseDirectory, "cascades", "haarcascade_frontalface_default.xml");

    /// <summary>How much the search window grows from one scale to the next (detectMultiScale's scaleFactor), &gt; 1; default 1.1. Larger is faster and misses more faces.</summary>
    public double ScaleFactor { get; init; } = 1.1;

    /// <summary>How many overlapping raw detections a face needs to be kept (detectMultiScale's minNeighbors), ≥ 0; default 5. Larger gives fewer false faces and misses more real ones.</summary>
    public int MinNeighbors { get; init; } = 5;

    /// <summary>Smallest face searched for: its width and height in pixels (detectMultiScale's minSize), ≥ 1; default 30.</summary>
    public int MinFaceSize { get; init; } = 30;

    /// <summary>Fraction of a face box added on each side before the face is cropped (<see cref="FaceBox.WithMargin"/>), in [0, 1]; default 0.2.</summary>
    public double Margin { get; init; } = 0.2;

    /// <summary>The Haar cascade XML file; default <see cref="DefaultCascadePath"/>. Debian's opencv-data installs others in /usr/share/opencv4/haarcascades.</summary>
    public string CascadePath { get; init; } = DefaultCascadePath;

    /// <summary>Checks every setting.</summary>
    /// <exception cref="ArgumentException">A setting is out of range; the message names it, its value and the range.</exception>
    public void Validate()
    {
        if (!(ScaleFactor > 1 && double.IsFinite(ScaleFactor)))
            throw new ArgumentException($"scale factor {ScaleFactor} must be a number greater than 1 (each search scale is this much larger than the last)");
        if (MinNeighbors < 0) throw new ArgumentException($"min neighbors {MinNeighbors} must be 0 or more");
        if (MinFaceSize < 1) throw new ArgumentException($"min face size {MinFaceSize} must be at least 1 pixel");
        if (!(Margin is >= 0 and <= 1)) throw new ArgumentException($"face margin {Margin} must be a fraction in [0, 1]");
    }
}
