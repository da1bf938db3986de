using System.Text.Json;
using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Serialization;
using NativeCnn.Tests.Support;
using NativeCnn.Trainer.Cli;

namespace NativeCnn.Tests.Trainer;

/// <summary>
/// A run folder is never lost or mixed (issue 15, items 2, 3, 4, 7 and 11): options are checked before the folder is touched,
/// a folder with a run in it needs --resume or --overwrite, a damaged or out-of-range last.safetensors is one clear line, stale
/// temporaries go, and report.json, written last, marks a finished run whose missing reports --resume writes again.
/// </summary>
public class RunFolderTests : TinyRunTests
{
    private string[] Recipe(string run, int epochs = 3) => TinyRun.Train(Root, Data, Model, epochs, run);

    // A run stopped after an epoch, as a killed one: its files are those of that epoch.
    private string Interrupted(int afterEpoch = 1, int epochs = 3)
    {
        string run = Path.Combine(Root, "run");
        TrainCommand.InterruptAfterEpochForTests = afterEpoch;
        try
        {
            Assert.That(Cli.Run(Recipe(run, epochs)).ExitCode, Is.EqualTo(1), "the run stops after epoch " + afterEpoch);
        }
        finally
        {
            TrainCommand.InterruptAfterEpochForTests = null;
        }
        return run;
    }

    // Every file of the run but the lock, whose content names the process that last held it.
    private static Dictionary<string, byte[]> Snapshot(string folder) =>
        Directory.GetFiles(folder).Where(f => Path.GetFileName(f) != ".nativecnn.lock").ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

    [TestCase("--batch-size", "0", "--batch-size must be a positive number of images, got 0")]
    [TestCase("--epochs", "-2", "--epochs must be a positive number of epochs, got -2")]
    [TestCase("--lr", "-0.1", "--lr must be a finite number > 0, got -0.1")]
    [TestCase("--lr", "nan", "--lr must be a finite number > 0, got NaN")]
    [TestCase("--samples-per-class", "-5", "--samples-per-class must be a positive number of images (or 0 for all), got -5")]
    [TestCase("--rotation", "400", "--rotation must be in [0, 360], got 400")]
    [TestCase("--shift", "1.5", "--shift must be in [0, 1), got 1.5")]
    [TestCase("--zoom", "-0.1", "--zoom must be in [0, 1), got -0.1")]
    [TestCase("--plateau-factor", "1", "--plateau-factor must be in (0, 1), got 1")]
    [TestCase("--plateau-patience", "-1", "--plateau-patience must be a number of epochs >= 0, got -1")]
    [TestCase("--early-stopping", "-3", "--early-stopping must be a number of epochs >= 0 (0 = never), got -3")]
    [TestCase("--max-image-pixels", "0", "--max-image-pixels must be at least 1, got 0")]
    [TestCase("--momentum", "0.9", "--momentum and --nesterov belong to --optimizer sgd, and this run uses adam")]
    [TestCase("--overwrite", null, "--resume continues the run in --out and --overwrite replaces it")]
    public void A_rejected_option_leaves_an_interrupted_run_untouched_and_resumable(string option, string? value, string message)
    {
        string run = Interrupted();
        var before = Snapshot(run);
        // The recipe's own value of the option is replaced; option=value, as a negative number after a space would read as an option.
        var recipe = Recipe(run).ToList();
        int given = recipe.IndexOf(option);
        if (given >= 0) recipe.RemoveRange(given, 2);
        string[] args = [.. recipe, "--resume", value is null ? option : $"{option}={value}"];
        CliAssert.OneLineError(Cli.Run(args), message);
        Assert.That(Snapshot(run), Is.EqualTo(before), "no file of the run folder changed");
        var resumed = Cli.Run([.. Recipe(run), "--resume"]);
        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.Error);
        Assert.That(File.ReadAllLines(Path.Combine(run, "metrics.jsonl")), Has.Length.EqualTo(3));
    }

    [Test]
    public void AData_error_leaves_an_interrupted_run_untouched()
    {
        string run = Interrupted();
        var before = Snapshot(run);
        File.WriteAllText(Path.Combine(Data, "happy", Path.GetFileName(Directory.GetFiles(Path.Combine(Data, "happy"))[0])), "not a jpeg");
        var failed = Cli.Run([.. Recipe(run), "--resume"]);
        Assert.That(failed.ExitCode, Is.EqualTo(1));
        Assert.That(Snapshot(run), Is.EqualTo(before), "the data is read before the folder changes");
    }

    [Test]
    public void A_folder_with_a_run_in_it_needs_resume_or_overwrite()
    {
        string run = Interrupted();
        var before = Snapshot(run);
        CliAssert.OneLineError(Cli.Run(Recipe(run)), run, "is not empty", "last.safetensors", "--resume", "--overwrite");
        Assert.That(Snapshot(run), Is.EqualTo(before), "the interrupted run's best checkpoint is intact");

        var replaced = Cli.Run([.. Recipe(run, epochs: 2), "--overwrite"]);
        Assert.That(replaced.ExitCode, Is.EqualTo(0), replaced.Error);
        Assert.That(File.ReadAllLines(Path.Combine(run, "metrics.jsonl")), Has.Length.EqualTo(2), "the new run's epochs only");
        using var report = JsonDocument.Parse(File.ReadAllText(Path.Combine(run, "report.json")));
        Assert.That(report.RootElement.GetProperty("epochs").GetInt32(), Is.EqualTo(2));

        CliAssert.OneLineError(Cli.Run(Recipe(run)), "already holds a finished run", "--overwrite");
        string notes = Path.Combine(Root, "notes");
        Directory.CreateDirectory(notes);
        File.WriteAllText(Path.Combine(notes, "todo.txt"), "mine");
        CliAssert.OneLineError(Cli.Run(Recipe(notes)), "is not empty (todo.txt)");
        Assert.That(Cli.Run([.. Recipe(notes), "--overwrite"]).ExitCode, Is.EqualTo(0));
        Assert.That(File.ReadAllText(Path.Combine(notes, "todo.txt")), Is.EqualTo("mine"), "--overwrite deletes run files only");
    }

    [TestCase("epoch", "-1", "metadata 'training' key 'epoch' must be an integer from 1 to 3, got -1")]
    [TestCase("epoch", "99", "metadata 'training' key 'epoch' must be an integer from 1 to 3, got 99")]
    [TestCase("epoch", "\"one\"", "metadata 'training' key 'epoch' must be an integer from 1 to 3, got \"one\"")]
    [TestCase("learning_rate", "null", "metadata 'training' key 'learning_rate' must be a finite number, got null")]
    [TestCase("callbacks", "{}", "holds no state of the callback ModelCheckpoint")]
    [TestCase("callbacks", """{"ModelCheckpoint": {"best": 1}, "LearningRateScheduler": null}""", "metadata 'training' key 'callbacks.ModelCheckpoint' is not the state ModelCheckpoint saves")]
    public void A_last_checkpoint_with_a_bad_training_state_is_one_line_naming_the_file_and_key(string key, string json, string message)
    {
        string run = Interrupted();
        string last = Path.Combine(run, "last.safetensors");
        var content = SafeTensorsFile.Read(last);
        var training = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(content.Metadata["training"])!;
        training[key] = JsonDocument.Parse(json).RootElement;
        var metadata = content.Metadata.ToDictionary();
        metadata["training"] = JsonSerializer.Serialize(training);
        SafeTensorsFile.Write(last, content.TensorsInOrder, metadata);
        CliAssert.OneLineError(Cli.Run([.. Recipe(run), "--resume"]), last, message);
    }

    [TestCase("training", "{\"run\": ", "metadata 'training' is not valid JSON")]
    [TestCase("optimizer", "{\"name\": \"adam\", \"iterations\": 2.5}", "metadata 'optimizer' key 'iterations' must be an integer >= 0, got 2.5")]
    public void A_last_checkpoint_with_malformed_metadata_is_one_line_naming_the_file_and_key(string entry, string json, string message)
    {
        string run = Interrupted();
        string last = Path.Combine(run, "last.safetensors");
        var content = SafeTensorsFile.Read(last);
        var metadata = content.Metadata.ToDictionary();
        metadata[entry] = json;
        SafeTensorsFile.Write(last, content.TensorsInOrder, metadata);
        CliAssert.OneLineError(Cli.Run([.. Recipe(run), "--resume"]), last, message);
    }

    [Test]
    public void Stale_temporaries_are_removed_when_the_folder_is_opened()
    {
        string run = Interrupted();
        string stale = Path.Combine(run, ".model.safetensors.q1w2e3r4.t5y.tmp"), notOurs = Path.Combine(run, ".draft.tmp");
        File.WriteAllBytes(stale, new byte[4096]);
        File.WriteAllText(notOurs, "keep");
        var resumed = Cli.Run([.. Recipe(run), "--resume"]);
        Assert.That(resumed.ExitCode, Is.EqualTo(0), resumed.Error);
        Assert.That(resumed.Out, Does.Contain($"removed {stale}"));
        Assert.That(File.Exists(stale), Is.False);
        Assert.That(File.Exists(notOurs), Is.True, "only the names atomic writes give their temporaries");
    }

    [Test]
    public void Report_json_is_written_last_and_resume_writes_a_finished_runs_missing_reports()
    {
        string run = Interrupted(afterEpoch: 2);
        // report.md cannot be written (a folder holds its name): the run ends without its report, and so without report.json.
        Directory.CreateDirectory(Path.Combine(run, "report.md"));
        var broken = Cli.Run([.. Recipe(run), "--resume"]);
        Assert.That(broken.ExitCode, Is.EqualTo(1));
        Assert.That(File.Exists(Path.Combine(run, "report.json")), Is.False, "a run without its reports is not finished");
        Directory.Delete(Path.Combine(run, "report.md"));

        var again = Cli.Run([.. Recipe(run), "--resume"]);
        Assert.That(again.ExitCode, Is.EqualTo(0), again.Error);
        Assert.That(again.Out, Does.Not.Match(@"batch \d+/\d+"), "every epoch was done: only the reports are written");
        foreach (string file in (string[])["report.json", "report.md", "training_curves.png", "training_curves.svg", "confusion_matrix.png", "confusion_matrix.svg"])
            Assert.That(File.Exists(Path.Combine(run, file)), Is.True, file);

        File.Delete(Path.Combine(run, "confusion_matrix.svg"));
        var regenerated = Cli.Run([.. Recipe(run), "--resume"]);
        Assert.That(regenerated.ExitCode, Is.EqualTo(0), regenerated.Error);
        Assert.That(regenerated.Out, Does.Contain("holds a finished run; writing its missing reports (confusion_matrix.svg)"));
        Assert.That(File.Exists(Path.Combine(run, "confusion_matrix.svg")), Is.True);
        CliAssert.OneLineError(Cli.Run([.. Recipe(run), "--resume"]), "already holds a finished run", "nothing to resume");
    }

    [Test]
    public void Out_andData_given_the_wrong_kind_of_path_say_so()
    {
        string file = Path.Combine(Root, "afile");
        File.WriteAllText(file, "x");
        CliAssert.OneLineError(Cli.Run(Recipe(file)), $"--out {file} is a file; expected a folder");
        CliAssert.OneLineError(Cli.Run(["train", "--model", Model, "--data", file, "--out", Path.Combine(Root, "r")]),
            $"'{file}' is a file, not a data set; expected fer2013.csv");
        Assert.That(Directory.Exists(Path.Combine(Root, "r")), Is.False, "nothing was created");
    }
}
