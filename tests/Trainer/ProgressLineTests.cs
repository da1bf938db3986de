using NativeCnn.Data.Folders;
using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Optimizers;
using NativeCnn.Tests.Support;
using NativeCnn.Trainer.Cli;
using NativeCnn.Training;

namespace NativeCnn.Tests.Trainer;

/// <summary>The live progress line fits any terminal and is redrawn in place (issue 15, item 13).</summary>
public class ProgressLineTests
{
    private static readonly ProgressLine.Fields Fields = new(3, 15, 120, 449, 1.23456, 0.4567, 1234, TimeSpan.FromSeconds(42), TimeSpan.FromSeconds(754));

    [TestCase(120)]
    [TestCase(80)]
    [TestCase(40)]
    [TestCase(16)]
    [TestCase(3)]
    public void The_line_fits_the_width_and_keeps_the_epoch_first(int width)
    {
        string line = ProgressLine.Fit(Fields, width);
        TestContext.Out.WriteLine($"{width,3}: {line}");
        Assert.That(line.Length, Is.LessThanOrEqualTo(Math.Max(1, width - 1)));
        Assert.That("epoch 3/15".StartsWith(line, StringComparison.Ordinal) || line.StartsWith("epoch 3/15", StringComparison.Ordinal), Is.True);
    }

    [Test]
    public void Fields_are_dropped_least_useful_first_and_the_bar_stays_at_80_columns()
    {
        string wide = ProgressLine.Fit(Fields, 120), medium = ProgressLine.Fit(Fields, 80), narrow = ProgressLine.Fit(Fields, 40);
        Assert.That(wide, Does.Contain("batch 120/449").And.Contain("[").And.Contain("acc 45.7 %").And.Contain("1234 img/s").And.Contain("ETA 0:42").And.Contain("run 12:34"));
        Assert.That(medium, Does.Contain("batch 120/449").And.Contain("[").And.Contain("loss 1.2346").And.Contain("ETA 0:42").And.Not.Contain("img/s"));
        Assert.That(narrow, Is.EqualTo("epoch 3/15  loss 1.2346  ETA 0:42"));
        string bar = medium[medium.IndexOf('[')..(medium.IndexOf(']') + 1)];
        Assert.That(bar.Count(c => c == '#'), Is.EqualTo((bar.Length - 2) * 120 / 449), "the bar shows the batches done");
        Assert.That(ProgressLine.Plain(Fields), Is.EqualTo("epoch 3/15  batch 120/449  loss 1.2346  acc 45.7 %  1234 img/s  ETA 0:42  run 12:34"),
            "one ETA text for the epoch and one for the run");
    }

    [TestCase(true)]
    [TestCase(false)]
    public void A_live_run_redraws_one_line_that_never_exceeds_the_terminal(bool escapes)
    {
        string root = Path.Combine(Path.GetTempPath(), "nativecnn-progress-" + Guid.NewGuid().ToString("N"));
        var (data, model) = TinyRun.Create(root);
        var original = Console.Out;
        var output = new StringWriter();
        try
        {
            var images = ImageFolderReader.Load(data, new NativeCnn.Data.ReadOptions { Height = 16, Width = 16, UseCache = false }).Images;
            using var device = new CpuDevice();
            using var built = Sequential.Build(ArchitectureSpec.Load(model), device);
            using var adam = new Adam();
            int width = 60;
            var progress = new ConsoleProgress(new Terminal(IsInteractive: true, UseEscapeCodes: escapes, Width: () => width), e => $"epoch {e.Epoch} ended", _ => "");
            Console.SetOut(output);
            // One image a step, so an epoch has 30 batches; the terminal narrows in the second epoch.
            built.Fit(images, images, new FitOptions { Epochs = 2, BatchSize = 1, Optimizer = adam }, progress, new Narrow(() => width = 30));
        }
        finally
        {
            Console.SetOut(original);
            Directory.Delete(root, recursive: true);
        }
        string text = output.ToString();
        var drawn = text.Split('\n', '\r').Select(s => s.Replace("\u001b[K", "")).ToList();
        Assert.That(drawn.Max(s => s.TrimEnd().Length), Is.LessThanOrEqualTo(59));
        Assert.That(drawn, Does.Contain("epoch 1 ended").And.Contain("epoch 2 ended"), "the epoch lines stay, each on its own line");
        Assert.That(drawn.Where(s => s.StartsWith("epoch 2/2")).Max(s => s.TrimEnd().Length), Is.LessThanOrEqualTo(29), "redrawn to the new width");
        Assert.That(text.Contains('\u001b'), Is.EqualTo(escapes), escapes ? "the line end is erased with ESC [K" : "NO_COLOR: spaces instead of escape codes");
        Assert.That(text.Split('\n').Count(l => l.Contains("epoch 1/2")), Is.EqualTo(1), "the live line of epoch 1 is one line, redrawn with carriage returns");
    }

    private sealed class Narrow(Action narrow) : Callback
    {
        public override void OnEpochEnd(EpochStats logs) => narrow();
    }
}
