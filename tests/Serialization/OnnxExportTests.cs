using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using NativeCnn.Data.Imaging;
using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Serialization.Onnx;
using NativeCnn.Tests.Support;
using NativeCnn.Training;

namespace NativeCnn.Tests.Serialization;

/// <summary>ONNX export, read back by ONNX Runtime: the same probabilities as NativeCnn on real FER-2013 images.</summary>
public class OnnxExportTests
{
    private static readonly CpuDevice Device = new();

    public static IEnumerable<string> ShippedModels() =>
        Directory.GetFiles(RepositoryPaths.Models, "*.json").Select(Path.GetFileNameWithoutExtension).Order()!;

    /// <summary>One PrivateTest image of every FER-2013 emotion and one more, as the model's input.</summary>
    private static float[] FerImages(Sequential model, out int count)
    {
        var files = NativeCnn.Data.Fer2013.Fer2013Classes.Names
            .Select(e => Directory.GetFiles(Path.Combine(RepositoryPaths.Fer2013, "test", e)).Order(StringComparer.Ordinal).First())
            .Append(Directory.GetFiles(Path.Combine(RepositoryPaths.Fer2013, "test", "happy")).Order(StringComparer.Ordinal).Last()).ToList();
        var images = ImageFiles.LoadGray(files, model.InputShape[1], model.InputShape[2]);
        Assert.That(images.Issues, Is.Empty);
        count = images.Files.Count;
        return images.Pixels;
    }

    /// <summary>
    /// Biases and every BatchNormalization parameter (γ, β, moving mean and variance) set away from their
    /// initial zeros and ones, so a bias or statistic left out or swapped by the export changes the output.
    /// </summary>
    private static void Perturb(Sequential model, int seed)
    {
        var random = new Random(seed);
        foreach (var p in model.Parameters.Where(p => p.Name is not "kernel"))
        {
            var (low, high) = p.Name switch { "gamma" => (0.5, 1.5), "moving_variance" => (0.5, 2.0), _ => (-0.3, 0.3) };
            Device.Upload<float>(p.Value, Enumerable.Range(0, (int)p.Value.Length).Select(_ => (float)(low + (high - low) * random.NextDouble())).ToArray());
        }
    }

    private static float[] RunOnnx(byte[] onnx, float[] pixels, int[] shape, out InferenceSession session)
    {
        session = new InferenceSession(onnx);
        var input = new DenseTensor<float>(pixels, shape);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExport.InputName, input)]);
        var output = results.Single();
        Assert.That(output.Name, Is.EqualTo(OnnxExport.OutputName));
        return [.. output.AsEnumerable<float>()];
    }

    private static double MaxDifference(float[] a, float[] b)
    {
        Assert.That(a, Has.Length.EqualTo(b.Length));
        return a.Zip(b, (x, y) => Math.Abs((double)x - y)).Max();
    }

    [TestCaseSource(nameof(ShippedModels))]
    public void Onnx_runtime_gives_nativecnn_probabilities_on_real_images(string name)
    {
        using var model = Sequential.Build(ArchitectureSpec.Load(RepositoryPaths.Model(name)), Device, seed: 3);
        Perturb(model, seed: 5);
        float[] pixels = FerImages(model, out int count);
        float[] expected = model.Predict(pixels);

        byte[] onnx = OnnxExport.ToBytes(model);
        float[] actual = RunOnnx(onnx, pixels, [count, .. model.InputShape], out var session);
        using (session)
        {
            double difference = MaxDifference(actual, expected);
            TestContext.Out.WriteLine($"{name}: max |p_onnx - p_nativecnn| = {difference:E2} over {count} images x {model.ClassCount} classes");
            Assert.That(difference, Is.LessThanOrEqualTo(1e-5));
            // The comparison means something only if the images get probabilities more than the tolerance apart, and the
            // biases and BatchNormalization statistics move them by far more (an export that dropped or swapped one would fail).
            Assert.That(Enumerable.Range(1, count - 1).Max(i => MaxDifference(expected[..model.ClassCount], expected[(i * model.ClassCount)..((i + 1) * model.ClassCount)])),
                Is.GreaterThan(1e-5), "the images get different probabilities");
            Perturb(model, seed: 6);
            double moved = MaxDifference(model.Predict(pixels), expected);
            TestContext.Out.WriteLine($"{name}: other bias and BatchNormalization values move the probabilities by {moved:E2}");
            Assert.That(moved, Is.GreaterThan(1e-3));

            Assert.That(session.ModelMetadata.CustomMetadataMap["classes"], Is.EqualTo(System.Text.Json.JsonSerializer.Serialize(model.Classes)));
            Assert.That(session.InputMetadata[OnnxExport.InputName].Dimensions, Is.EqualTo(new[] { -1, model.InputShape[0], model.InputShape[1], model.InputShape[2] }),
                "NCHW with a dynamic batch");
            // Another batch size through the same session.
            int sample = pixels.Length / count;
            using var three = session.Run([NamedOnnxValue.CreateFromTensor(OnnxExport.InputName,
                new DenseTensor<float>(pixels[..(3 * sample)], [3, .. model.InputShape]))]);
            Assert.That(MaxDifference([.. three.Single().AsEnumerable<float>()], expected[..(3 * model.ClassCount)]), Is.LessThanOrEqualTo(1e-5));
        }
    }

    [Test]
    public void Asymmetric_same_padding_strides_and_layers_without_bias_map_exactly()
    {
        // 'same' with stride 2 on odd sizes pads one pixel more at the bottom/right; a 3x2 kernel pads unevenly too.
        using var model = new Sequential((12, 9, 1), ["a", "b", "c"], "odd")
            .Add(new Conv2D(4, (3, 2), strides: (2, 1), padding: Padding.Same, activation: ActivationFunction.Relu))
            .Add(new Conv2D(5, 4, strides: 2, padding: Padding.Same, useBias: false)).Add(new BatchNormalization(momentum: 0.5, epsilon: 0.01))
            .Add(new ActivationLayer(ActivationFunction.Relu)).Add(new MaxPooling2D((2, 1), strides: (1, 1))).Add(new Flatten())
            .Add(new Dense(6, ActivationFunction.Relu, useBias: false)).Add(new Dropout(0.3)).Add(new Dense(3))
            .Build(Device, seed: 9);
        Perturb(model, seed: 2);
        var conv = (Conv2D)model.Layers[0];
        // 12 rows, kernel 3, stride 2: 6 outputs need 13 rows, the one padded row at the bottom; 9 columns, kernel 2: one at the right.
        Assert.That(conv.Pads, Is.EqualTo((0, 0, 1, 1)));
        float[] pixels = RandomData.Floats(5 * 108, 4).Select(v => (v + 1) / 2).ToArray();
        float[] expected = model.Predict(pixels);
        float[] actual = RunOnnx(OnnxExport.ToBytes(model), pixels, [5, 1, 12, 9], out var session);
        session.Dispose();
        Assert.That(MaxDifference(actual, expected), Is.LessThanOrEqualTo(1e-5), "a final linear Dense gets Predict's softmax");
    }

    [Test]
    public void Varints_and_keys_follow_the_protobuf_encoding_guide()
    {
        // protobuf.dev/programming-guides/encoding: field 1 = 150 is 08 96 01; a string field 2 = "testing" is 12 07 74 65 73 74 69 6e 67.
        Assert.That(new ProtobufWriter().Int(1, 150).ToArray(), Is.EqualTo(new byte[] { 0x08, 0x96, 0x01 }));
        Assert.That(new ProtobufWriter().String(2, "testing").ToArray(), Is.EqualTo(new byte[] { 0x12, 0x07, 0x74, 0x65, 0x73, 0x74, 0x69, 0x6e, 0x67 }));
        // Packed repeated field 4 = [3, 270, 86942] is 22 06 03 8E 02 9E A7 05.
        Assert.That(new ProtobufWriter().PackedInts(4, [3, 270, 86942]).ToArray(), Is.EqualTo(new byte[] { 0x22, 0x06, 0x03, 0x8E, 0x02, 0x9E, 0xA7, 0x05 }));
        // A negative int64 is its two's complement: ten bytes.
        Assert.That(new ProtobufWriter().Int(1, -2).ToArray(), Is.EqualTo(new byte[] { 0x08, 0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01 }));
    }
}
