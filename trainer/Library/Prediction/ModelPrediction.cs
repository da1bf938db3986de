using NativeCnn.Data;
using NativeCnn.Data.Imaging;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Training;

/// <summary>Keras' <c>model.predict</c> for a <see cref="Sequential"/> model: on pixel arrays and on image files.</summary>
public static class ModelPrediction
{
    private const int BatchSize = 64;

    /// <summary>
    /// Class probabilities of <paramref name="images"/> in inference mode, in batches of 64 (the
    /// model's <see cref="Sequential.Predict"/> on the device, softmax included).
    /// </summary>
    /// <param name="model">A built model.</param>
    /// <param name="images">N images [N, C, H, W] of the model's input shape, float32 pixels in [0, 1] (pixel / 255).</param>
    /// <returns>Probabilities [N, classes], row-major: image i's probability of class k is at i · classes + k.</returns>
    /// <exception cref="ArgumentException">The length is not a whole number of images.</exception>
    /// <exception cref="ModelFormatException">The model at a batch of 64 would exceed the memory budget (<see cref="MemoryBudget"/>).</exception>
    public static float[] Predict(this Sequential model, ReadOnlySpan<float> images)
    {
        int sample = model.InputShape.Aggregate(1, (a, b) => a * b), k = model.ClassCount;
        if (images.Length % sample != 0)
            throw new ArgumentException($"{images.Length} floats are not a whole number of [{string.Join(", ", model.InputShape)}] images");
        int count = images.Length / sample;
        ModelFootprint.Of(model).CheckInference(BatchSize, MemoryBudget.Bytes);
        var probabilities = new float[count * k];
        for (int start = 0; start < count; start += BatchSize)
        {
            int n = Math.Min(BatchSize, count - start);
            using var x = model.Device.Allocate(DType.Float32, [n, .. model.InputShape]);
            model.Device.Upload<float>(x, images.Slice(start * sample, n * sample));
            model.Device.Download<float>(model.Predict(x), probabilities.AsSpan(start * k, n * k));
        }
        return probabilities;
    }

    /// <summary>
    /// Class probabilities of image files, preprocessed as the model was trained: decoded with
    /// ImageSharp (JPEG, PNG, BMP, GIF, TIFF or WebP, the format read from the content), converted to
    /// grayscale (ITU-R BT.601 luma in PIL's fixed point, as Keras' load_img), resized to the model's
    /// input (area averaging when shrinking), scaled to [0, 1].
    /// </summary>
    /// <param name="model">A built grayscale model.</param>
    /// <param name="paths">Image files, or folders whose image files (by extension, see
    /// <see cref="NativeCnn.Data.Imaging.GrayImageDecoder.FileExtensions"/>) are taken in name order.</param>
    /// <param name="maxImagePixels">Largest image (width x height) decoded; a larger one is skipped after its header is read.</param>
    /// <returns>A prediction per decoded image, and the files that could not be decoded with the reason (a corrupt file, one over
    /// <paramref name="maxImagePixels"/>, or one of 0 bytes, which is also how a FIFO or device looks and is never opened).</returns>
    /// <exception cref="DatasetException">A path does not exist.</exception>
    /// <exception cref="TrainingException">The model takes more than one channel.</exception>
    public static ImagePredictions Predict(this Sequential model, IEnumerable<string> paths, long maxImagePixels = GrayImageDecoder.DefaultMaxPixels)
    {
        var (c, h, w) = (model.InputShape[0], model.InputShape[1], model.InputShape[2]);
        if (c != 1) throw new TrainingException($"model '{model.Name}' expects {c} channels; image files are read as grayscale (1 channel)");
        var images = ImageFiles.LoadGray(paths, h, w, maxImagePixels);
        float[] probabilities = model.Predict(images.Pixels);
        int k = model.ClassCount;
        var predictions = images.Files.Select((file, i) => new ImagePrediction(file, probabilities[(i * k)..((i + 1) * k)], model.Classes)).ToList();
        return new ImagePredictions(predictions, images.Issues);
    }
}
