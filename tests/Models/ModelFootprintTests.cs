using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Models;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Models;

/// <summary>
/// Sizes known before anything is allocated (issue 15, item 6): the footprint agrees with what Build allocates, sizes beyond a
/// tensor are clear errors naming the layer, and the memory estimate refuses a model over the budget.
/// </summary>
public class ModelFootprintTests
{
    private static readonly CpuDevice Device = new();

    private static IEnumerable<string> ShippedModels() => Directory.GetFiles(RepositoryPaths.Models, "*.json").Select(Path.GetFileNameWithoutExtension)!;

    [TestCaseSource(nameof(ShippedModels))]
    public void The_footprint_of_every_shipped_model_is_what_build_allocates(string name)
    {
        var spec = ArchitectureSpec.Load(RepositoryPaths.Model(name));
        using var unbuilt = Sequential.Create(spec);
        var footprint = ModelFootprint.Of(unbuilt);
        using var built = Sequential.Build(spec, Device);
        Assert.That(footprint.IsComplete, Is.True);
        Assert.That(footprint.Layers.Select(l => (l.Name, string.Join("x", l.OutputShape), l.Parameters, l.TrainableParameters)),
            Is.EqualTo(built.Layers.Select(l => (l.Name, string.Join("x", l.OutputShape), l.Parameters.Sum(p => p.Value.Length),
                l.Parameters.Where(p => p.Trainable).Sum(p => p.Value.Length)))));
        TestContext.Out.WriteLine($"{name}: train at batch 64 with Adam ≈ {MemoryBudget.Format(footprint.TrainingBytes(64, 2))}, "
            + $"inference at 256 ≈ {MemoryBudget.Format(footprint.InferenceBytes(256))}");
        Assert.That(footprint.TrainingBytes(64, 2), Is.LessThan(MemoryBudget.DefaultBytes / 4), "every shipped recipe fits the default budget with room to spare");
    }

    [Test]
    public void Output_shapes_agree_with_the_built_layers_for_random_geometries()
    {
        var random = new Random(15);
        for (int trial = 0; trial < 60; trial++)
        {
            int h = random.Next(5, 40), w = random.Next(5, 40), k = random.Next(1, 6), s = random.Next(1, 4), pool = random.Next(1, 4);
            var padding = random.Next(2) == 0 ? Padding.Valid : Padding.Same;
            Sequential Model() => new Sequential((h, w, random.Next(1, 4)), ["a", "b"])
                .Add(new Conv2D(random.Next(1, 5), (k, random.Next(1, 6)), (s, random.Next(1, 4)), padding))
                .Add(new MaxPooling2D(pool)).Add(new BatchNormalization()).Add(new Dropout(0.5)).Add(new Flatten()).Add(new Dense(2));
            int seed = random.Next();
            random = new Random(seed);
            using var unbuilt = Model();
            var footprint = ModelFootprint.Of(unbuilt);
            random = new Random(seed);
            using var built = Model();
            try
            {
                built.Build(Device);
            }
            catch (ModelFormatException)
            {
                Assert.That(footprint.IsComplete, Is.False, $"trial {trial}: Build refused a model whose footprint is complete");
                continue;
            }
            Assert.That(footprint.Layers.Select(l => string.Join("x", l.OutputShape)), Is.EqualTo(built.Layers.Select(l => string.Join("x", l.OutputShape))),
                $"trial {trial}: {h}x{w} input, kernel {k}, stride {s}, {padding}, pool {pool}");
            Assert.That(footprint.Parameters, Is.EqualTo(built.TotalParameterCount));
        }
    }

    [TestCase("""[{"type": "Flatten"}, {"type": "Dense", "units": 2000000000}, {"type": "Dense", "units": 2}]""", "[48, 48, 1]",
        "layer dense_1 (Dense) would have a kernel of [2304, 2000000000] = 4,608,000,000,000 values, more than a tensor holds")]
    [TestCase("""[{"type": "Conv2D", "filters": 2000000000, "kernel_size": 3}, {"type": "Flatten"}, {"type": "Dense", "units": 2}]""", "[48, 48, 1]",
        "layer conv2d_1 (Conv2D) would have a kernel of [2000000000, 1, 3, 3]")]
    [TestCase("""[{"type": "Conv2D", "filters": 8, "kernel_size": 3}, {"type": "Flatten"}, {"type": "Dense", "units": 2}]""", "[60000, 60000, 1]",
        "input_shape [60000, 60000, 1] is 3,600,000,000 values per image")]
    [TestCase("""[{"type": "Conv2D", "filters": 512, "kernel_size": 3, "padding": "same"}, {"type": "Flatten"}, {"type": "Dense", "units": 2}]""", "[4000, 4000, 1]",
        "layer conv2d_1 (Conv2D) outputs [512, 4000, 4000] = 8,192,000,000 values per image")]
    [TestCase("""[{"type": "Conv2D", "filters": 1, "kernel_size": 3, "strides": 2147483647, "padding": "same"}, {"type": "Flatten"}, {"type": "Dense", "units": 2}]""", "[48, 48, 1]",
        "beyond 32-bit sizes")]
    public void Sizes_beyond_a_tensor_are_errors_naming_the_layer_before_anything_is_allocated(string layers, string input, string expected)
    {
        var spec = ArchitectureSpec.Parse($$"""{"name": "huge", "input_shape": {{input}}, "classes": ["a", "b"], "layers": {{layers}}}""", "huge.json");
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var error = Assert.Throws<ModelFormatException>(() => Sequential.Build(spec, Device))!;
        Assert.That(error.Message, Does.StartWith("huge.json: ").And.Contain(expected));
        Assert.That(GC.GetTotalAllocatedBytes(precise: true) - before, Is.LessThan(1 << 20), "refused before any weight was allocated");
    }

    [Test]
    public void A_model_over_the_budget_is_refused_naming_its_largest_layer()
    {
        // 300,000 units after a 48x48 image: 691 million weights, 2.6 GB each for the weights, the gradients and Adam's two moments.
        var spec = ArchitectureSpec.Parse("""
            {"name": "wide", "input_shape": [48, 48, 1], "classes": ["a", "b"],
             "layers": [{"type": "Flatten"}, {"type": "Dense", "units": 300000}, {"type": "Dense", "units": 2}]}
            """, "wide.json");
        using var model = Sequential.Create(spec);
        var footprint = ModelFootprint.Of(model);
        Assert.That(footprint.Parameters, Is.EqualTo(2304L * 300_000 + 300_000 + 300_000 * 2 + 2));
        Assert.That(footprint.TrainingBytes(64, 2), Is.GreaterThan(4 * 4 * footprint.Parameters), "weights, gradients, two moments and activations");
        var error = Assert.Throws<ModelFormatException>(() => footprint.CheckTraining(64, 2, MemoryBudget.DefaultBytes))!;
        Assert.That(error.Message, Does.Contain($"model 'wide' needs about {MemoryBudget.Format(footprint.TrainingBytes(64, 2))} to train at batch 64, over the memory budget of 8 GB")
            .And.Contain("largest layer is dense_1 (Dense, 691,500,000 parameters").And.Contain("NATIVECNN_MEMORY_LIMIT"));
        Assert.That(() => footprint.CheckBuild(1L << 30), Throws.TypeOf<ModelFormatException>().With.Message.Contains("to build"));
        Assert.DoesNotThrow(() => footprint.CheckBuild(MemoryBudget.DefaultBytes), "its weights and gradients alone fit");
    }

    [Test]
    public void A_deep_stack_of_small_layers_is_counted_layer_by_layer()
    {
        // 2,000 ReLU layers on 8 x 48 x 48 activations: tiny in parameters, large in activations at batch 64.
        var model = new Sequential((48, 48, 1), ["a", "b"]).Add(new Conv2D(8, 3, padding: Padding.Same));
        for (int i = 0; i < 2000; i++) model.Add(new ActivationLayer(ActivationFunction.Relu));
        model.Add(new Flatten()).Add(new Dense(2));
        using (model)
        {
            var footprint = ModelFootprint.Of(model);
            long perLayer = 2L * 8 * 48 * 48 * 64 * 4; // output and input gradient at batch 64, float32
            Assert.That(footprint.TrainingBytes(64, 2), Is.GreaterThan(2000 * perLayer));
            var error = Assert.Throws<ModelFormatException>(() => footprint.CheckTraining(64, 2, MemoryBudget.DefaultBytes))!;
            Assert.That(error.Message, Does.Contain("to train at batch 64"));
            Assert.DoesNotThrow(() => footprint.CheckTraining(1, 2, MemoryBudget.DefaultBytes), "one image a step fits");
        }
    }

    [Test]
    public void An_activation_larger_than_a_tensor_at_the_batch_size_is_an_error()
    {
        var spec = ArchitectureSpec.Parse("""
            {"name": "big-input", "input_shape": [2000, 2000, 1], "classes": ["a", "b"],
             "layers": [{"type": "Conv2D", "filters": 16, "kernel_size": 3, "padding": "same"}, {"type": "MaxPooling2D", "pool_size": 100},
                        {"type": "Flatten"}, {"type": "Dense", "units": 2}]}
            """, "big-input.json");
        using var model = Sequential.Create(spec);
        var error = Assert.Throws<ModelFormatException>(() => ModelFootprint.Of(model).CheckTraining(64, 2, long.MaxValue))!;
        Assert.That(error.Message, Does.Contain("layer conv2d_1 (Conv2D) would hold 4,096,000,000 values in one tensor at batch 64"));
    }

    [TestCase("16G", 16L << 30)]
    [TestCase("1.5g", 3L << 29)]
    [TestCase("800M", 800L << 20)]
    [TestCase("2GiB", 2L << 30)]
    [TestCase("4096", 4096L)]
    public void Memory_limits_parse_as_sizes(string text, long bytes) => Assert.That(MemoryBudget.Parse(text), Is.EqualTo(bytes));

    [TestCase("lots")]
    [TestCase("-1G")]
    [TestCase("0")]
    public void A_bad_memory_limit_names_the_variable(string text) =>
        Assert.That(() => MemoryBudget.Parse(text), Throws.ArgumentException.With.Message.Contains("NATIVECNN_MEMORY_LIMIT is '" + text + "'"));

    [Test]
    public void A_non_integer_kernel_size_or_repeated_class_is_a_format_error_naming_the_layer()
    {
        Assert.That(() => ArchitectureSpec.Parse("""
            {"input_shape": [8, 8, 1], "classes": ["a", "b"], "layers": [{"type": "Conv2D", "filters": 2, "kernel_size": [3, 2.5]}]}
            """, "k.json").Layers.Select(LayerFactory.Create).ToList(),
            Throws.TypeOf<ModelFormatException>().With.Message.EqualTo("k.json: layers[0] (Conv2D): 'kernel_size' must be an integer or [height, width] of integers, got [3, 2.5]"));
        // Found by the fuzzer: a value the file spreads over lines is quoted on one.
        Assert.That(() => ArchitectureSpec.Parse("""
            {"input_shape": [8, 8, 1], "classes": ["a", "b"], "layers": [{"type": "Dense", "units": 2, "kernel_regularizer": {
                "l2": "x"
            }}]}
            """, "r.json").Layers.Select(LayerFactory.Create).ToList(),
            Throws.TypeOf<ModelFormatException>().With.Message.EqualTo("""r.json: layers[0] (Dense): 'kernel_regularizer' must be {"l2": factor} with a number >= 0, or null, got { "l2": "x" }"""));
        Assert.That(() => ArchitectureSpec.Parse("""{"input_shape": [8, 8, 1], "classes": ["a", "b", "a"], "layers": [{"type": "Flatten"}]}""", "c.json"),
            Throws.TypeOf<ModelFormatException>().With.Message.EqualTo("c.json: 'classes' names 'a' 2 times; each class needs one name of its own"));
    }
}
