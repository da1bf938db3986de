using NativeCnn.Engine.Serialization;
using OpenCvSharp;

namespace NativeCnn.Faces;

/// <summary>Writes an annotated image in the format its file name's extension names, atomically (a reader never sees half a file).</summary>
internal static class AnnotatedImageFile
{
    /// <summary>Encodes <paramref name="image"/> with OpenCV (JPEG at quality 95, PNG, BMP, TIFF or WebP, by extension) and writes it to <paramref name="path"/>.</summary>
    /// <exception cref="FaceDetectionException">OpenCV cannot encode that format.</exception>
    /// <exception cref="IOException">The file cannot be written; an existing file is left as it was.</exception>
    public static void Write(Mat image, string path)
    {
        string extension = Path.GetExtension(path);
        byte[] data = OpenCvNative.Call(
            () => Cv2.ImEncode(extension, image, out byte[] encoded, [(int)ImwriteFlags.JpegQuality, 95]) ? encoded
                : throw new FaceDetectionException($"{path}: OpenCV cannot encode {extension} images"), path);
        AtomicFile.Write(path, s => s.Write(data));
    }
}
