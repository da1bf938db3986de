using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Serialization;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Trainer;

/// <summary>
/// What only separate nativecnn processes show (issue 15, items 1, 11 and 13): a second run on a folder another process trains
/// in is refused, naming the folder and the process; kill -9 releases the folder, keeps every published file loadable, and
/// the resumed run removes what the killed one left; output to a file or pipe, or under NO_COLOR, has no escape codes.
/// </summary>
public class RunProcessTests : TinyRunTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);
    private static int Epochs(string run) => File.Exists(Path.Combine(run, "metrics.jsonl")) ? File.ReadAllLines(Path.Combine(run, "metrics.jsonl")).Length : 0;

    [Test]
    public void A_second_run_on_a_folder_in_use_is_refused_and_kill_9_releases_it()
    {
        string run = Path.Combine(Root, "run");
        using var first = TrainerProcess.Start(TinyRun.Train(Root, Data, Model, 1000, run));
        first.WaitUntil(() => Epochs(run) >= 1, Timeout, "the first run finished an epoch");

        var second = TrainerProcess.Run(TinyRun.Train(Root, Data, Model, 1000, run), Timeout);
        Assert.That(second.ExitCode, Is.EqualTo(1), second.Out);
        Assert.That(second.Error.Trim(), Does.Match($"^error: {System.Text.RegularExpressions.Regex.Escape(run)} is in use by another run \\(process {first.Id} on .*, started .* UTC\\); wait for it to end, stop it, or choose another folder$"));
        int epochs = Epochs(run);
        Assert.That(first.HasExited, Is.False, "the first run goes on");

        first.Kill();
        var replaced = TrainerProcess.Run([.. TinyRun.Train(Root, Data, Model, 1, run), "--overwrite"], Timeout);
        Assert.That(replaced.ExitCode, Is.EqualTo(0), "the killed run's lock went with it: " + replaced.Error);
        Assert.That(epochs, Is.GreaterThanOrEqualTo(1));
        Assert.That(Epochs(run), Is.EqualTo(1), "the replacing run's single epoch");
    }

    [Test]
    public void A_run_killed_with_kill_9_resumes_and_leaves_no_temporary_file()
    {
        string run = Path.Combine(Root, "run");
        string[] recipe = TinyRun.Train(Root, Data, Model, 40, run);
        using (var killed = TrainerProcess.Start(recipe))
        {
            killed.WaitUntil(() => Epochs(run) >= 2, Timeout, "two epochs were written");
            killed.Kill();
        }
        Assert.That(File.Exists(Path.Combine(run, "report.json")), Is.False, "killed before the end");
        using (var device = new CpuDevice())
            foreach (string file in new[] { "model.safetensors", "last.safetensors" })
                Assert.DoesNotThrow(() => Checkpoint.Load(Path.Combine(run, file), device).Dispose(), file + " is whole");
        // What a kill during a checkpoint write leaves (the kill above may or may not have left one of its own).
        string leftover = Path.Combine(run, ".last.safetensors.a1b2c3d4.e5f.tmp");
        File.WriteAllBytes(leftover, new byte[1 << 16]);

        var resumed = TrainerProcess.Run([.. recipe, "--resume"], Timeout);
        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.Error);
        Assert.That(resumed.Out, Does.Contain("resuming after epoch").And.Contain($"removed {leftover}"));
        Assert.That(Directory.GetFiles(run, ".*.tmp"), Is.Empty, "no temporary file is left");
        Assert.That(Epochs(run), Is.EqualTo(40));
        Assert.That(File.Exists(Path.Combine(run, "report.json")), Is.True);
    }

    [Test]
    public void Redirected_output_has_no_escape_codes_even_when_TERM_says_colour()
    {
        string run = Path.Combine(Root, "run");
        var colour = new Dictionary<string, string?> { ["TERM"] = "xterm-256color", ["NO_COLOR"] = null };
        var train = TrainerProcess.Run(TinyRun.Train(Root, Data, Model, 2, run), Timeout, colour);
        Assert.That(train.ExitCode, Is.EqualTo(0), train.Error);
        Assert.That(train.Out, Does.Contain("epoch 1/2  batch 3/3").And.Contain("epoch 2/2").And.Not.Contain("\u001b").And.Not.Contain("\r"));
        var evaluate = TrainerProcess.Run(["evaluate", "--checkpoint", Path.Combine(run, "model.safetensors"), "--data", Data, "--split", "all",
            "--cache-dir", Path.Combine(Root, "cache")], Timeout, colour);
        Assert.That(evaluate.ExitCode, Is.EqualTo(0), evaluate.Error);
        Assert.That(evaluate.Out, Does.Contain("accuracy").And.Not.Contain("\u001b"));
    }

    [Test]
    public void A_terminal_gets_bold_text_unless_NO_COLOR_is_set()
    {
        if (!File.Exists("/usr/bin/script")) Assert.Ignore("util-linux' script, which gives a command a pseudo-terminal, is not installed");
        string checkpoint = Path.Combine(Root, "model.safetensors");
        using (var device = new CpuDevice())
        using (var model = NativeCnn.Engine.Models.Sequential.Build(NativeCnn.Engine.Models.ArchitectureSpec.Load(Model), device))
            Checkpoint.Save(checkpoint, model);
        string command = $"dotnet '{TrainerProcess.Dll}' evaluate --checkpoint '{checkpoint}' --data '{Data}' --split all --cache-dir '{Path.Combine(Root, "cache")}'";
        string InTerminal(string? noColor)
        {
            using var p = new System.Diagnostics.Process { StartInfo = new("script", ["-qefc", command, "/dev/null"]) { RedirectStandardOutput = true, RedirectStandardInput = true } };
            p.StartInfo.Environment["TERM"] = "xterm-256color";
            if (noColor is null) p.StartInfo.Environment.Remove("NO_COLOR");
            else p.StartInfo.Environment["NO_COLOR"] = noColor;
            p.Start();
            string output = p.StandardOutput.ReadToEnd();
            Assert.That(p.WaitForExit(Timeout), Is.True);
            return output;
        }
        Assert.That(InTerminal(null), Does.Contain("\u001b[1m"), "a terminal gets bold text");
        // No colour or style (SGR) codes; the .NET runtime itself still switches a terminal's keypad mode (ESC [?1h ESC =).
        Assert.That(InTerminal("1"), Does.Contain("accuracy").And.Not.Match(@"\u001b\[[0-9;]*m"));
    }
}
