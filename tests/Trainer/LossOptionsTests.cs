using NativeCnn.Data;
using NativeCnn.Engine.Tensors;
using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Optimizers;
using NativeCnn.Engine.Regularizers;
using NativeCnn.Tests.Support;
using NativeCnn.Trainer.Training;
using NativeCnn.Training;

namespace NativeCnn.Tests.Trainer;

/// <summary>The training loop with kernel L2 penalties and class weights: what changes, what must not.</summary>
public class LossOptionsTests
{
    private static readonly string[] Classes = ["a", "b", "c"];

    private static string Small(string kernelRegularizer = "") => $$"""
        { "name": "small", "input_shape": [8, 8, 1], "classes": ["a", "b", "c"],
          "layers": [
            { "type": "Conv2D", "filters": 4, "kernel_size": 3, "padding": "same"{{kernelRegularizer}} },
            { "type": "BatchNormalization", "momentum": 0.9 }, { "type": "Activation", "activation": "relu" },
            { "type": "MaxPooling2D", "pool_size": 2 }, { "type": "Dropout", "rate": 0.25 },
            { "type": "Flatten" }, { "type": "Dense", "units": 6, "activation": "relu"{{kernelRegularizer}} },
            { "type": "Dense", "units": 3, "activation": "softmax"{{kernelRegularizer}} } ] }
        """;

    /// <summary>Random 8x8 images; labels 0, 1, 2 in proportion 5 : 2 : 1 so balanced weights differ.</summary>
    private static LabeledImageSet Images(int count, int seed)
    {
        int[] labels = Enumerable.Range(0, count).Select(i => (i % 8) switch { < 5 => 0, < 7 => 1, _ => 2 }).ToArray();
        byte[] pixels = RandomData.Floats(count * 64, seed).Select(v => (byte)(127.5f + 127.5f * v)).ToArray();
        return new LabeledImageSet(pixels, labels, 1, 8, 8, Classes);
    }

    private static readonly LabeledImageSet Train = Images(48, 1), Validation = Images(16, 2);

    private sealed record Outcome(List<EpochStats> History, Dictionary<string, float[]> Weights, double FinalPenalty, double UnweightedValidationLoss);

    private static Outcome Run(string json, Action<Sequential>? configure = null, IReadOnlyList<double>? classWeight = null, int epochs = 2)
    {
        using var device = new CpuDevice();
        using var model = Sequential.Build(ArchitectureSpec.Parse(json, "small"), device, seed: 7);
        configure?.Invoke(model);
        using var adam = new Adam();
        var history = model.Fit(Train, Validation, new FitOptions { Epochs = epochs, BatchSize = 8, Seed = 7, Optimizer = adam, ClassWeight = classWeight });
        return new Outcome([.. history.Epochs], model.Parameters.ToDictionary(p => p.FullName, p => Read(p)), model.RegularizationLoss(),
            model.Evaluate(Validation).MeanLoss);
    }

    private static float[] Read(Parameter p)
    {
        var host = new float[p.Value.Length];
        p.Value.Device.Download<float>(p.Value, host);
        return host;
    }

    private static void AssertIdentical(Outcome actual, Outcome expected, string what)
    {
        // Everything but the wall-clock fields, compared exactly.
        static EpochStats Numbers(EpochStats h) => h with { Seconds = 0, ImagesPerSecond = 0 };
        Assert.That(actual.History.Select(Numbers), Is.EqualTo(expected.History.Select(Numbers)), what + ": epoch numbers");
        foreach (var (name, weights) in expected.Weights)
            Assert.That(actual.Weights[name], Is.EqualTo(weights), $"{what}: {name}");
    }

    [Test]
    public void Lambda_zero_leaves_training_bit_identical()
    {
        var plain = Run(Small());
        Assert.That(plain.History.Select(h => h.RegularizationLoss), Is.All.EqualTo(0));
        AssertIdentical(Run(Small(), m => m.SetDefaultKernelRegularizer(new L2Regularizer(0))), plain, "--l2 0");
        AssertIdentical(Run(Small(""", "kernel_regularizer": {"l2": 0}""")), plain, "kernel_regularizer l2(0)");
        AssertIdentical(Run(Small(), m => LossSettings.Apply(m, Train, 0, "none")), plain, "LossSettings with --l2 0");
    }

    [Test]
    public void The_l2_penalty_changes_training_and_is_part_of_the_reported_train_loss()
    {
        var plain = Run(Small());
        var decayed = Run(Small(), m => m.SetDefaultKernelRegularizer(new L2Regularizer(0.01)));
        var last = decayed.History[^1];
        Assert.That(last.RegularizationLoss, Is.EqualTo(decayed.FinalPenalty), "the penalty on the weights the epoch ends with");
        Assert.That(last.RegularizationLoss, Is.GreaterThan(0.001), "λ Σw² of four kernels");
        Assert.That(last.TrainLoss, Is.GreaterThan(last.RegularizationLoss));
        Assert.That(decayed.Weights["conv2d_1.kernel"], Is.Not.EqualTo(plain.Weights["conv2d_1.kernel"]));
        Assert.That(last.ValidationLoss, Is.EqualTo(decayed.UnweightedValidationLoss), "validation loss is the plain cross-entropy");
    }

    [Test]
    public void Class_weights_of_one_leave_training_bit_identical()
    {
        AssertIdentical(Run(Small(), classWeight: [1.0, 1.0, 1.0]), Run(Small()), "class weights 1");
    }

    [Test]
    public void Class_weights_change_the_training_loss_but_not_the_validation_loss()
    {
        var weighted = Run(Small(), classWeight: [0.2, 3.0, 5.0], epochs: 1);
        var plain = Run(Small(), epochs: 1);
        Assert.That(weighted.History[0].TrainLoss, Is.Not.EqualTo(plain.History[0].TrainLoss).Within(1e-3));
        Assert.That(weighted.History[0].ValidationLoss, Is.EqualTo(weighted.UnweightedValidationLoss),
            "Keras applies class_weight to training only");
    }

    [Test]
    public void Class_weights_must_match_the_model_classes()
    {
        var e = Assert.Throws<TrainingException>(() => Run(Small(), classWeight: [1.0, 2.0], epochs: 1));
        Assert.That(e!.Message, Does.Contain("2 class weights").And.Contain("3 classes"));
    }

    [Test]
    public void Balanced_weights_are_n_samples_over_classes_times_count_on_the_training_images()
    {
        using var device = new CpuDevice();
        using var model = Sequential.Build(ArchitectureSpec.Parse(Small(""", "kernel_regularizer": {"l2": 0.003}"""), "small"), device);
        model.Layers.OfType<Dense>().Last().KernelRegularizer = null;
        var settings = LossSettings.Apply(model, Train, 0.0005, "balanced");
        int[] counts = Train.CountPerClass();
        Assert.That(counts.Distinct().Count(), Is.EqualTo(3), "the test data is imbalanced");
        for (int c = 0; c < 3; c++)
            Assert.That(settings.ClassWeight![c] * counts[c], Is.EqualTo((double)Train.Count / 3).Within(1e-5), $"class {c}");
        Assert.That(settings.ClassWeightByName!.Keys, Is.EqualTo(Classes));
        Assert.That(settings.KernelL2, Is.EqualTo(new Dictionary<string, double> { ["conv2d_1"] = 0.003, ["dense_1"] = 0.003, ["dense_2"] = 0.0005 }));
        Assert.That(settings.Describe(), Does.Contain("kernel l2 0.0005 on 1, 0.003 on 2 of 3 kernels").And.Contain("class_weight balanced (a "));
    }

    [Test]
    public void Nothing_is_described_without_penalties_or_weights()
    {
        using var device = new CpuDevice();
        using var model = Sequential.Build(ArchitectureSpec.Parse(Small(), "small"), device);
        var settings = LossSettings.Apply(model, Train, 0, "none");
        Assert.That(settings.Describe(), Is.Null);
        Assert.That(settings.ClassWeight, Is.Null);
        Assert.That(settings.KernelL2.Values, Is.All.EqualTo(0));
    }

    [TestCase(-1.0, "none", "--l2 must be a finite number >= 0")]
    [TestCase(double.NaN, "none", "got NaN")]
    [TestCase(double.PositiveInfinity, "none", "--l2")]
    [TestCase(0.0, "foo", "--class-weight must be one of none, balanced, got 'foo'")]
    public void Bad_option_values_are_cli_errors(double l2, string mode, string expected)
    {
        var e = Assert.Throws<CliException>(() => LossSettings.Validate(l2, mode));
        Assert.That(e!.Message, Does.Contain(expected));
    }
}
