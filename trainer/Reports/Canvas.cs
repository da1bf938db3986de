using NativeCnn.Data;
using NativeCnn.Data.Codecs;
using NativeCnn.Engine.Serialization;

namespace NativeCnn.Trainer.Reports;

/// <summary>An RGB raster [height, width, 3] for report images, saved as PNG through libpng.</summary>
public sealed class Canvas
{
    private readonly byte[] _pixels;

    /// <summary>A white canvas.</summary>
    public Canvas(int width, int height)
    {
        Width = width;
        Height = height;
        _pixels = new byte[width * height * 3];
        Array.Fill(_pixels, (byte)255);
    }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }
    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Colours the pixel (x, y); points outside the canvas are ignored.</summary>
    public void Set(int x, int y, Rgb c)
    {
        if ((uint)x >= (uint)Width || (uint)y >= (uint)Height) return;
        int i = (y * Width + x) * 3;
        (_pixels[i], _pixels[i + 1], _pixels[i + 2]) = (c.R, c.G, c.B);
    }

    /// <summary>Fills the rectangle [x, x+w) × [y, y+h).</summary>
    public void FillRect(int x, int y, int w, int h, Rgb c)
    {
        for (int yy = y; yy < y + h; yy++)
            for (int xx = x; xx < x + w; xx++) Set(xx, yy, c);
    }

    /// <summary>A line <paramref name="thickness"/> pixels wide from (x0, y0) to (x1, y1) (Bresenham).</summary>
    public void Line(int x0, int y0, int x1, int y1, Rgb c, int thickness = 1)
    {
        int dx = Math.Abs(x1 - x0), dy = -Math.Abs(y1 - y0), sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1, err = dx + dy;
        int half = thickness / 2;
        while (true)
        {
            FillRect(x0 - half, y0 - half, thickness, thickness, c);
            if (x0 == x1 && y0 == y1) break;
            int e2 = 2 * err;
            if (e2 >= dy) { err += dy; x0 += sx; }
            if (e2 <= dx) { err += dx; y0 += sy; }
        }
    }

    /// <summary>Draws <paramref name="text"/> with its top-left corner at (x, y), each font pixel <paramref name="scale"/> pixels wide.</summary>
    public void Text(int x, int y, string text, Rgb c, int scale = 2)
    {
        foreach (char ch in text)
        {
            var glyph = BitmapFont.Glyph(ch);
            for (int row = 0; row < BitmapFont.Height; row++)
                for (int col = 0; col < BitmapFont.Width; col++)
                    if ((glyph[row] >> (BitmapFont.Width - 1 - col) & 1) != 0)
                        FillRect(x + col * scale, y + row * scale, scale, scale, c);
            x += (BitmapFont.Width + 1) * scale;
        }
    }

    /// <summary>Writes the canvas as an 8-bit RGB PNG, atomically (temp file, then rename).</summary>
    public void SavePng(string path)
    {
        byte[] png = Png.Encode(new DecodedImage(_pixels, Width, Height, 3));
        AtomicFile.Write(path, s => s.Write(png));
    }
}

/// <summary>An 8-bit RGB colour.</summary>
/// <param name="R">Red.</param>
/// <param name="G">Green.</param>
/// <param name="B">Blue.</param>
public readonly record struct Rgb(byte R, byte G, byte B)
{
    /// <summary>Black.</summary>
    public static Rgb Black => new(0, 0, 0);
    /// <summary>Light grey for grid lines.</summary>
    public static Rgb Grid => new(225, 225, 225);
    /// <summary>Blue (training series).</summary>
    public static Rgb Blue => new(31, 119, 180);
    /// <summary>Orange (validation series).</summary>
    public static Rgb Orange => new(255, 127, 14);
    /// <summary>White.</summary>
    public static Rgb White => new(255, 255, 255);

    /// <summary>Linear blend from white (t = 0) to <paramref name="full"/> (t = 1).</summary>
    public static Rgb Shade(Rgb full, double t)
    {
        t = Math.Clamp(t, 0, 1);
        byte Mix(byte v) => (byte)Math.Round(255 + (v - 255) * t);
        return new Rgb(Mix(full.R), Mix(full.G), Mix(full.B));
    }
}
