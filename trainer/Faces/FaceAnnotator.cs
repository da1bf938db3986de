using System.Globalization;
using OpenCvSharp;

namespace NativeCnn.Faces;

/// <summary>Draws each face's box and its most likely class ("happy 87 %") on an image, with OpenCV's rectangle and putText.</summary>
public static class FaceAnnotator
{
    private static readonly Scalar BoxColour = new(60, 200, 0);     // BGR: green
    private static readonly Scalar TextColour = new(0, 0, 0);
    private const HersheyFonts Font = HersheyFonts.HersheySimplex;

    /// <summary>The label drawn for a face: its most likely class and that class's probability in whole percent.</summary>
    /// <param name="face">A classified face.</param>
    /// <returns>For example "happy 87 %".</returns>
    public static string Label(DetectedFace face)
    {
        var (name, probability) = face.Prediction.Top(1)[0];
        return string.Create(CultureInfo.InvariantCulture, $"{name} {probability * 100:0} %");
    }

    /// <summary>Draws every face of <paramref name="faces"/> onto <paramref name="image"/> in place.</summary>
    /// <param name="image">An 8-bit BGR image (CV_8UC3) the faces were found in.</param>
    /// <param name="faces">Faces found in that image.</param>
    public static void Draw(Mat image, IReadOnlyList<DetectedFace> faces)
    {
        // Line and text sizes follow the image, so a label is readable on a webcam frame and on a 4K photo alike.
        int thickness = Math.Max(2, (int)Math.Round(Math.Min(image.Width, image.Height) / 250.0));
        foreach (var face in faces)
        {
            FaceBox b = face.Box;
            Cv2.Rectangle(image, new Rect(b.X, b.Y, b.Width, b.Height), BoxColour, thickness);
            string label = Label(face);
            double scale = Math.Clamp(b.Width / 250.0, 0.4, 1.5);
            int textThickness = Math.Max(1, (int)Math.Round(scale * 1.5));
            Size text = Cv2.GetTextSize(label, Font, scale, textThickness, out int baseline);
            int pad = Math.Max(2, text.Height / 4);
            int labelWidth = text.Width + 2 * pad, labelHeight = text.Height + baseline + 2 * pad;
            // Above the box when there is room, else just inside its top edge; moved left rather than cut off at the right.
            int top = b.Y - labelHeight >= 0 ? b.Y - labelHeight : b.Y;
            int left = Math.Max(0, Math.Min(b.X, image.Width - labelWidth));
            Cv2.Rectangle(image, new Rect(left, top, labelWidth, labelHeight), BoxColour, thickness: -1);
            Cv2.PutText(image, label, new Point(left + pad, top + pad + text.Height), Font, scale, TextColour, textThickness, LineTypes.AntiAlias);
        }
    }
}
