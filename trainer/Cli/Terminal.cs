using Spectre.Console;

namespace NativeCnn.Trainer.Cli;

/// <summary>
/// What standard output is: an interactive terminal, where a progress line is redrawn in place, or a file,
/// pipe or CI log, which gets plain lines and never an escape code. Colour and other escape codes are
/// also off when <c>NO_COLOR</c> is set (no-color.org) or <c>TERM</c> is <c>dumb</c>.
/// </summary>
/// <param name="IsInteractive">Standard output is a terminal (not redirected, TERM not "dumb").</param>
/// <param name="UseEscapeCodes">ANSI escape codes (colour, bold, clearing a line) may be written.</param>
/// <param name="Width">The terminal's width in columns now (it can change while a run lasts); 80 when unknown.</param>
internal sealed record Terminal(bool IsInteractive, bool UseEscapeCodes, Func<int> Width)
{
    /// <summary>The terminal this process writes to.</summary>
    public static Terminal Detect()
    {
        bool interactive = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("TERM") != "dumb";
        bool escapes = interactive && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
        return new Terminal(interactive, escapes, CurrentWidth);
    }

    private static int CurrentWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 80;
        }
        catch (IOException)
        {
            return 80;
        }
    }

    /// <summary>Makes Spectre.Console (evaluate's tables and bold text) write to the current standard output with exactly these capabilities.</summary>
    public void ConfigureSpectre() => AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Out = new AnsiConsoleOutput(Console.Out),
        Ansi = UseEscapeCodes ? AnsiSupport.Detect : AnsiSupport.No,
        ColorSystem = UseEscapeCodes ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
        Interactive = IsInteractive ? InteractionSupport.Yes : InteractionSupport.No,
    });
}
