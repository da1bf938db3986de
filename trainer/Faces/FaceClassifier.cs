using NativeCnn.Data;
using NativeCnn.Engine.Models;
using NativeCnn.Training;

namespace NativeCnn.Faces;

/// <summary>
/// Detects the faces in a gray image and classifies each with a model: the box is grown by the
/// margin, cropped, resized to the model's input and scaled as training images were
/// (<see cref="FaceCrop"/>), and all faces of an image go through the model as one batch
/// (<see cref="ModelPrediction.Predict(Sequential, ReadOnlySpan{float})"/>). Not thread-safe.
/// </summary>
public sealed class FaceClassifier : IDisposable
{
    private readonly Sequential _model;
    private readonly HaarFaceDetector _detector;
    private readonly double _margin;

    /// <summary>Creates a classifier for <paramref name="model"/> (which stays the caller's to dispose).</summary>
    /// <param name="model">A built model with a one-channel (gray) input [1, H, W].</param>
    /// <param name="options">Detector settings and the crop margin.</param>
    /// <exception cref="ArgumentException">A setting is out of range.</exception>
    /// <exception cref="FaceDetectionException">The model does not take gray images, or the cascade cannot be loaded.</exception>
    public FaceClassifier(Sequential model, FaceDetectionOptions options)
    {
        if (model.InputShape[0] != 1)
            throw new FaceDetectionException($"model '{model.Name}' expects {model.InputShape[0]} channels; faces are classified in grayscale (1 channel)");
        _model = model;
        _margin = options.Margin;
        _detector = new HaarFaceDetector(options);
    }

    /// <summary>The faces of <paramref name="gray"/>, left to right, each with the model's class probabilities.</summary>
    /// <param name="gray">A one-channel image [H, W] of 8-bit gray (PIL's luma).</param>
    /// <param name="source">The image file or video the frame comes from (each prediction's File).</param>
    /// <returns>One entry per face; empty when there is none.</returns>
    public IReadOnlyList<DetectedFace> Classify(DecodedImage gray, string source)
    {
        IReadOnlyList<FaceBox> boxes = _detector.Detect(gray);
        if (boxes.Count == 0) return [];
        var crops = boxes.Select(b => b.WithMargin(_margin, gray.Width, gray.Height)).ToList();
        float[] probabilities = _model.Predict(FaceCrop.ModelInput(gray, crops, _model.InputShape[1], _model.InputShape[2]));
        int k = _model.ClassCount;
        return boxes.Select((box, i) => new DetectedFace(box, crops[i], new ImagePrediction(source, probabilities[(i * k)..((i + 1) * k)], _model.Classes))).ToList();
    }

    /// <summary>Releases the detector (not the model).</summary>
    public void Dispose() => _detector.Dispose();
}
