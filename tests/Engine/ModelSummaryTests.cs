using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Models;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Engine;

public class ModelSummaryTests
{
    private static readonly CpuDevice Device = new();

    // Totals straight from the seed READMEs' Keras summaries (shared/seeds/). Seed 001 prints no
    // split; its non-trainable count is 2 x (64 + 128 + 512 + 512 + 256 + 512) BatchNormalization channels.
    [TestCase("seed001-deep", 4_478_727L, 4_474_759L, 3_968L)]
    [TestCase("seed002", 5_905_863L, 5_902_151L, 3_712L)]
    [TestCase("seed004", 1_328_199L, 1_326_023L, 2_176L)]
    public void Seed_parameter_counts_match_the_keras_summaries(string model, long total, long trainable, long nonTrainable)
    {
        using var m = Sequential.Build(ArchitectureSpec.Load(RepositoryPaths.Model(model)), Device);
        Assert.Multiple(() =>
        {
            Assert.That(m.TotalParameterCount, Is.EqualTo(total));
            Assert.That(m.TrainableParameterCount, Is.EqualTo(trainable));
            Assert.That(m.NonTrainableParameterCount, Is.EqualTo(nonTrainable));
        });
    }

    [Test]
    public void Seed001_deep_rows_match_the_seed_table()
    {
        using var m = Sequential.Build(ArchitectureSpec.Load(RepositoryPaths.Model("seed001-deep")), Device);
        var rows = ModelSummary.Rows(m);
        // Rows copied from shared/seeds/001_bc83b88f336afcf1.txt.
        Assert.That(rows[0], Is.EqualTo(new ModelSummary.Row("conv2d_1", "Conv2D", null, "(None, 48, 48, 64)", 640)));
        Assert.That(rows[5].OutputShape, Is.EqualTo("(None, 24, 24, 128)"));
        Assert.That(rows[5].Parameters, Is.EqualTo(204_928));
        Assert.That(rows.Single(r => r.Name == "flatten_1").OutputShape, Is.EqualTo("(None, 4608)"));
        Assert.That(rows.Single(r => r.Name == "dense_1").Parameters, Is.EqualTo(1_179_904));
        Assert.That(rows[^1], Is.EqualTo(new ModelSummary.Row("dense_3", "Dense", "softmax", "(None, 7)", 3_591)));
    }

    [Test]
    public void Every_shipped_architecture_builds_and_prints_a_summary()
    {
        foreach (var file in Directory.GetFiles(RepositoryPaths.Models, "*.json"))
        {
            using var m = Sequential.Build(ArchitectureSpec.Load(file), Device);
            string text = ModelSummary.Format(m);
            Assert.That(text, Does.Contain("Total params: " + m.TotalParameterCount.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)), file);
            Assert.That(m.Spec.Notes, Is.Not.Empty, file + " must document its choices");
        }
    }

    [Test]
    public void Bad_architectures_give_errors_naming_the_source_and_problem()
    {
        string Error(string json) => Assert.Throws<ModelFormatException>(() =>
        {
            using var _ = Sequential.Build(ArchitectureSpec.Parse(json, "bad.json"), Device);
        })!.Message;

        const string head = "{\"input_shape\": [8, 8, 1], \"classes\": [\"a\", \"b\"], \"layers\": ";
        Assert.That(Error("{"), Does.Contain("bad.json").And.Contain("not valid JSON"));
        Assert.That(Error(head + "[{\"type\": \"Conv3D\"}]}"), Does.Contain("unknown layer type 'Conv3D'"));
        Assert.That(Error(head + "[{\"type\": \"Conv2D\", \"filters\": 4, \"kernel_size\": 3, \"paddin\": \"same\"}]}"), Does.Contain("'paddin'"));
        Assert.That(Error(head + "[{\"type\": \"Dense\", \"units\": 2}]}"), Does.Contain("Flatten"));
        Assert.That(Error(head + "[{\"type\": \"Flatten\"}, {\"type\": \"Dense\", \"units\": 3}]}"), Does.Contain("2 classes"));
        Assert.That(Error(head + "[{\"type\": \"Conv2D\", \"filters\": 4, \"kernel_size\": 9}]}"), Does.Contain("does not fit"));
        Assert.That(Error(head + "[{\"type\": \"Dropout\", \"rate\": 1.5}]}"), Does.Contain("rate"));
    }
}
