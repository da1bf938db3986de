using NativeCnn.Data.Folders;
using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Optimizers;
using NativeCnn.Engine.Serialization;
using NativeCnn.Tests.Support;
using NativeCnn.Training;

namespace NativeCnn.Tests.Trainer;

/// <summary>
/// A diverging run stops at once and loses nothing (issue 15, item 8): the batch whose loss blows up ends the run with one line
/// naming the epoch, the batch and the likely cause; the last good checkpoints stay; no NaN or infinity reaches a JSON file; a
/// checkpoint holding one is refused.
/// </summary>
public class DivergenceTests : TinyRunTests
{
    [Test]
    public void A_learning_rate_far_too_high_stops_the_run_naming_epoch_batch_and_cause()
    {
        string run = Path.Combine(Root, "run");
        var (code, output, error) = Cli.Run([.. TinyRun.Train(Root, Data, Model, 5, run), "--lr", "1e12"]);
        Assert.That(code, Is.EqualTo(1), output);
        Assert.That(error, Does.Match(@"^error: training diverged in epoch 1 at batch \d/3: the training loss is \S+\. The learning rate \(1E\+12\) is probably too high"));
        Assert.That(error, Does.Contain("--lr").And.Not.Contain("   at "));
        Assert.That(File.ReadAllText(Path.Combine(run, "metrics.jsonl")), Is.Empty, "no epoch finished, and none with a NaN was written");
        Assert.That(File.Exists(Path.Combine(run, "report.json")), Is.False);
    }

    [Test]
    public void Divergence_in_a_later_epoch_keeps_the_last_good_checkpoints()
    {
        var data = ImageFolderReader.Load(Data, new NativeCnn.Data.ReadOptions { Height = 16, Width = 16, UseCache = false }).Images;
        using var device = new CpuDevice();
        using var model = Sequential.Build(ArchitectureSpec.Load(Model), device, seed: 1);
        using var adam = new Adam();
        string folder = Path.Combine(Root, "library-run");
        using var run = new RunFolder(folder);
        var error = Assert.Throws<TrainingException>(() => model.Fit(data, data, new FitOptions { Epochs = 4, BatchSize = 8, Optimizer = adam },
            new ModelCheckpoint(run.CheckpointPath, saveBestOnly: false), new LearningRateBlowUp(afterEpoch: 1), new BackupAndRestore(run, "tiny")))!;
        Assert.That(error.Message, Does.StartWith("training diverged in epoch 2 at batch"));
        Assert.That(File.ReadAllLines(run.MetricsPath), Has.Length.EqualTo(1));
        Assert.That(File.ReadAllText(run.MetricsPath), Does.Not.Contain("NaN").And.Not.Contain("Infinity"));
        foreach (string file in new[] { run.CheckpointPath, run.LastCheckpointPath })
        {
            using var loaded = Checkpoint.Load(file, device);
            Assert.That(loaded.TrainingState, Does.Contain("\"epoch\":1"), file + " still holds epoch 1");
        }
    }

    /// <summary>Sets a learning rate of 10^12 once epoch <paramref name="afterEpoch"/> has ended, as a bad schedule would.</summary>
    private sealed class LearningRateBlowUp(int afterEpoch) : Callback
    {
        public override void OnEpochEnd(EpochStats logs)
        {
            if (logs.Epoch == afterEpoch) Context.Optimizer.LearningRate = 1e12;
        }
    }

    [TestCase(float.NaN, "holds NaN at element 0")]
    [TestCase(3e38f, "gives a loss of")]
    public void A_checkpoint_with_non_finite_or_overflowing_weights_is_refused_by_evaluate_and_predict(float value, string expected)
    {
        string checkpoint = Path.Combine(Root, "model.safetensors");
        using (var device = new CpuDevice())
        using (var model = Sequential.Build(ArchitectureSpec.Load(Model), device, seed: 1))
            Checkpoint.Save(checkpoint, model);
        var content = SafeTensorsFile.Read(checkpoint);
        SafeTensorsFile.Write(checkpoint, content.TensorsInOrder.Select(t => t.Name != "dense_1.kernel" ? t
            : SafeTensor.FromFloats(t.Name, [.. t.Shape], Enumerable.Repeat(value, (int)t.ElementCount).ToArray())), content.Metadata);

        var evaluate = Cli.Run("evaluate", "--checkpoint", checkpoint, "--data", Data, "--split", "all", "--json", "--cache-dir", Path.Combine(Root, "cache"));
        Assert.That(evaluate.ExitCode, Is.EqualTo(1), evaluate.Out);
        Assert.That(evaluate.Error, Does.StartWith("error: ").And.Contain(expected));
        Assert.That(evaluate.Out, Does.Not.Contain("{"), "no JSON with a NaN or infinity");
        if (float.IsNaN(value))
        {
            Assert.That(evaluate.Error, Does.Contain(checkpoint).And.Contain("dense_1.kernel"));
            var predict = Cli.Run("predict", "--checkpoint", checkpoint, Path.Combine(Data, "happy"));
            Assert.That((predict.ExitCode, predict.Out), Is.EqualTo((1, "")));
            Assert.That(predict.Error, Does.Contain("dense_1.kernel"));
        }
    }
}
