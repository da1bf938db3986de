using NativeCnn.Training;

namespace NativeCnn.Faces;

/// <summary>One face found in an image or video frame, and what the model makes of it.</summary>
/// <param name="Box">Where the detector found the face, pixels (without the crop margin).</param>
/// <param name="Crop">The region that was classified: <paramref name="Box"/> grown by the margin and clamped to the image.</param>
/// <param name="Prediction">The model's class probabilities for the crop; its File is the image or video the face is in.</param>
public sealed record DetectedFace(FaceBox Box, FaceBox Crop, ImagePrediction Prediction);
