using NativeCnn.Engine.Serialization;
using ScottPlot;
using SkiaSharp;

namespace NativeCnn.Trainer.Reports;

/// <summary>Writes one chart twice, as PNG (raster, for viewers and Markdown) and as SVG (vector, same name), each file atomically.</summary>
internal static class ChartFiles
{
    /// <summary>Renders through <paramref name="render"/> onto a white raster surface and onto an SVG canvas.</summary>
    /// <param name="pngPath">The .png file; the .svg goes next to it.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="render">Draws the chart into the given canvas and rectangle (ScottPlot's Plot.Render or Multiplot.Render).</param>
    /// <exception cref="IOException">A file cannot be written (the old one, if any, is left as it was).</exception>
    public static void Save(string pngPath, int width, int height, Action<SKCanvas, PixelRect> render)
    {
        var rect = new PixelRect(0, width, height, 0);
        using (var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul)))
        {
            surface.Canvas.Clear(SKColors.White);
            render(surface.Canvas, rect);
            using SKImage image = surface.Snapshot();
            using SKData png = image.Encode(SKEncodedImageFormat.Png, 100);
            AtomicFile.Write(pngPath, stream => png.SaveTo(stream));
        }
        AtomicFile.Write(Path.ChangeExtension(pngPath, ".svg"), stream =>
        {
            // The SVG is complete only once its canvas is disposed.
            using var svg = SKSvgCanvas.Create(new SKRect(0, 0, width, height), stream);
            render(svg, rect);
        });
    }
}
