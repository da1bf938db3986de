using NativeCnn.Data;
using NativeCnn.Data.Imaging;

namespace NativeCnn.Faces;

/// <summary>
/// Cuts faces out of a gray image as the model's input: the same resize (<see cref="Resize.Gray"/>)
/// and scaling (<see cref="UnitScale"/>) that a face image file goes through in
/// <c>model.Predict(files)</c>, so a face in a scene is classified exactly as the same pixels saved
/// as their own file would be.
/// </summary>
public static class FaceCrop
{
    /// <summary>The crops <paramref name="boxes"/> of <paramref name="gray"/>, each resized to height x width and scaled to [0, 1].</summary>
    /// <param name="gray">A one-channel image [H, W] of 8-bit gray (PIL's luma, see <see cref="PilGrayscale"/>).</param>
    /// <param name="boxes">Regions inside the image (already grown by the margin).</param>
    /// <param name="height">Model input height, pixels.</param>
    /// <param name="width">Model input width, pixels.</param>
    /// <returns>float32 [N, 1, height, width], pixel / 255, one image per box in order.</returns>
    /// <exception cref="ArgumentException"><paramref name="gray"/> has more than one channel, or a box is not inside the image.</exception>
    public static float[] ModelInput(DecodedImage gray, IReadOnlyList<FaceBox> boxes, int height, int width)
    {
        if (gray.Channels != 1) throw new ArgumentException($"faces are cropped from a gray image (1 channel), got {gray.Channels} channels", nameof(gray));
        int size = height * width;
        var input = new float[boxes.Count * size];
        var resized = new byte[size];
        for (int i = 0; i < boxes.Count; i++)
        {
            FaceBox b = boxes[i];
            if (b.X < 0 || b.Y < 0 || b.Width <= 0 || b.Height <= 0 || b.Right > gray.Width || b.Bottom > gray.Height)
                throw new ArgumentException($"box {b} is not inside the {gray.Width}x{gray.Height} image", nameof(boxes));
            var crop = new byte[b.Width * b.Height];
            for (int y = 0; y < b.Height; y++)
                gray.Pixels.AsSpan((b.Y + y) * gray.Width + b.X, b.Width).CopyTo(crop.AsSpan(y * b.Width, b.Width));
            Resize.Gray(crop, b.Height, b.Width, resized, height, width);
            UnitScale.ToUnitFloats(resized, input.AsSpan(i * size, size));
        }
        return input;
    }
}
