using ScottPlot;
using SkiaSharp;

namespace NativeCnn.Trainer.Reports;

/// <summary>
/// The font every chart uses: DejaVu Sans (Bitstream Vera licence, permissive; see
/// Reports/Fonts/DejaVuSans-LICENSE.txt), embedded in this assembly and handed to ScottPlot as a
/// font resolver. Charts therefore never depend on the machine's fonts: ScottPlot draws through
/// SkiaSharp's NoDependencies native library, which does not use fontconfig, so on a server with
/// no fonts installed text would otherwise silently vanish.
/// </summary>
internal static class ChartFont
{
    /// <summary>The family name ScottPlot is told to use.</summary>
    public const string Name = "DejaVu Sans";

    private static readonly Lazy<EmbeddedFontResolver> Resolver = new(Register);

    /// <summary>The embedded typeface, created once.</summary>
    public static SKTypeface Typeface => Resolver.Value.Typeface;

    /// <summary>Registers the embedded font with ScottPlot and makes it the default; call before creating a Plot (its labels copy the default). Idempotent and thread-safe.</summary>
    public static void Use() => _ = Resolver.Value;

    private static EmbeddedFontResolver Register()
    {
        using Stream stream = typeof(ChartFont).Assembly.GetManifestResourceStream("NativeCnn.Trainer.Reports.DejaVuSans.ttf")
            ?? throw new InvalidOperationException("the embedded chart font NativeCnn.Trainer.Reports.DejaVuSans.ttf is missing from the assembly");
        var data = SKData.Create(stream);
        var resolver = new EmbeddedFontResolver(SKTypeface.FromData(data)
            ?? throw new InvalidOperationException("SkiaSharp could not read the embedded chart font"));
        // First in the list: ours answers for its name before any resolver that asks the system.
        Fonts.FontResolvers.Insert(0, resolver);
        Fonts.Default = Name;
        return resolver;
    }

    /// <summary>Answers ScottPlot's requests for <see cref="Name"/> (any weight or slant) with the embedded typeface.</summary>
    private sealed class EmbeddedFontResolver(SKTypeface typeface) : IFontResolver
    {
        public SKTypeface Typeface { get; } = typeface;

        public SKTypeface? CreateTypeface(string fontName, FontWeight weight, FontSlant slant, FontSpacing spacing) =>
            fontName == Name ? Typeface : null;

        public SKTypeface? CreateTypeface(string fontName, bool bold, bool italic) =>
            fontName == Name ? Typeface : null;
    }
}
