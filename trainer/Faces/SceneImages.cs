using NativeCnn.Data;
using NativeCnn.Data.Imaging;
using OpenCvSharp;

namespace NativeCnn.Faces;

/// <summary>The faces found in one image file.</summary>
/// <param name="File">The image file.</param>
/// <param name="Width">Image width, pixels.</param>
/// <param name="Height">Image height, pixels.</param>
/// <param name="Faces">Every face found, left to right; empty when the photo has none.</param>
/// <param name="AnnotatedFile">The annotated copy written, or null when no output folder was given.</param>
public sealed record SceneFaces(string File, int Width, int Height, IReadOnlyList<DetectedFace> Faces, string? AnnotatedFile);

/// <summary>
/// Face detection on photos: each file is decoded as <c>model.Predict(files)</c> decodes a face image
/// (<see cref="GrayImageDecoder"/>: format from the content, PIL's grayscale, the pixel limit,
/// truncated files refused), its faces are found and classified on that gray image, and with an
/// output folder a colour copy is annotated with the boxes and labels.
/// </summary>
/// <param name="classifier">Finds and classifies the faces; stays the caller's to dispose.</param>
/// <param name="outputFolder">Where annotated copies go (created if missing), or null for none.</param>
public sealed class SceneImages(FaceClassifier classifier, string? outputFolder)
{
    /// <summary>Extensions OpenCV writes an annotated copy in; any other image gets a PNG copy.</summary>
    private static readonly string[] WritableExtensions = [".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"];

    private readonly GrayImageDecoder _decoder = new();
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    /// <summary>Finds and classifies the faces in <paramref name="file"/>, and writes its annotated copy when there is an output folder.</summary>
    /// <param name="file">An image file (JPEG, PNG, BMP, GIF, TIFF or WebP).</param>
    /// <returns>The faces, and the annotated copy's path.</returns>
    /// <exception cref="ImageDecodeException">The file is not an image that can be decoded (the message names it).</exception>
    /// <exception cref="IOException">The file cannot be read or the annotated copy cannot be written.</exception>
    /// <exception cref="FaceDetectionException">OpenCV cannot encode the annotated copy.</exception>
    public SceneFaces Process(string file)
    {
        DecodedImage gray = _decoder.DecodeFile(file);
        IReadOnlyList<DetectedFace> faces = classifier.Classify(gray, file);
        string? annotated = outputFolder is null ? null : WriteAnnotated(file, gray, faces);
        return new SceneFaces(file, gray.Width, gray.Height, faces, annotated);
    }

    private string WriteAnnotated(string file, DecodedImage gray, IReadOnlyList<DetectedFace> faces)
    {
        Directory.CreateDirectory(outputFolder!);
        using Mat image = LoadColour(file, gray);
        FaceAnnotator.Draw(image, faces);
        string target = AnnotatedPath(file);
        AnnotatedImageFile.Write(image, target);
        return target;
    }

    /// <summary>
    /// The photo in colour, to draw on: OpenCV's own decoding, with EXIF orientation ignored as PIL and
    /// ImageSharp ignore it, so that the boxes found on the gray image fit. A file OpenCV reads
    /// differently (a format it lacks, another size) is drawn on in gray instead.
    /// </summary>
    private static Mat LoadColour(string file, DecodedImage gray)
    {
        Mat colour = Cv2.ImRead(file, ImreadModes.Color | ImreadModes.IgnoreOrientation);
        if (!colour.Empty() && colour.Width == gray.Width && colour.Height == gray.Height) return colour;
        colour.Dispose();
        return BgrFrame.FromGray(gray);
    }

    /// <summary>
    /// outputFolder/&lt;name&gt;.faces&lt;extension&gt;, the input's extension when OpenCV writes it (else .png);
    /// a second input of the same name gets -2, -3, ... so no copy overwrites another of this run.
    /// </summary>
    private string AnnotatedPath(string file)
    {
        string extension = Path.GetExtension(file).ToLowerInvariant();
        if (!WritableExtensions.Contains(extension)) extension = ".png";
        string stem = Path.GetFileNameWithoutExtension(file) + ".faces";
        string target = Path.Combine(outputFolder!, stem + extension);
        for (int n = 2; !_written.Add(Path.GetFullPath(target)); n++) target = Path.Combine(outputFolder!, $"{stem}-{n}{extension}");
        return target;
    }
}
