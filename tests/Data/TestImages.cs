using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace NativeCnn.Tests.Data;

/// <summary>Writes test images with ImageSharp's encoders (the decoders under test never see how they were made).</summary>
internal static class TestImages
{
    /// <summary>Saves 8-bit gray pixels [height, width] as a gray PNG.</summary>
    public static void SaveGrayPng(string path, byte[] pixels, int width, int height)
    {
        using var image = Image.LoadPixelData<L8>(pixels, width, height);
        image.SaveAsPng(path);
    }
}
