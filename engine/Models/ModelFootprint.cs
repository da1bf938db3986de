using System.Globalization;
using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Models;

/// <summary>
/// What a model will need before anything is allocated: each layer's output shape and parameter
/// count, computed from the layers' settings with 64-bit arithmetic that saturates instead of
/// overflowing, and from them an estimate of the memory a build, an inference pass or a training
/// step takes at a batch size. <see cref="Sequential.Build(Device, DType, ulong)"/> checks it first,
/// and the trainer checks the training estimate before it reads any data, so an architecture with a
/// Dense layer of two billion units, an input of 60000x60000 pixels or thousands of large layers is
/// one clear error naming the layer instead of an overflow or an exhausted machine.
/// </summary>
/// <remarks>
/// <para>Output sizes follow Keras: Conv2D 'valid' floor((in - kernel) / stride) + 1, 'same'
/// ceil(in / stride); MaxPooling2D floor((in - pool) / stride) + 1. The estimate counts, per image,
/// what each layer keeps while training (its output, the gradient of its input, Conv2D's im2col patch
/// matrix, MaxPooling2D's arg-max, Dropout's mask, BatchNormalization's normalised input; Flatten
/// is a view) and, for the model, the parameters, their gradients and the optimizer's moments.
/// It is an upper bound of what the CPU and GPU backends allocate, not an exact count.</para>
/// <para>A tensor holds at most <see cref="MaxTensorElements"/> values (the kernels index with
/// 32-bit integers): a parameter or a per-image output above that is an error here, an activation
/// above it at the batch size is an error of <see cref="CheckTraining"/> and <see cref="CheckInference"/>.</para>
/// <para>The footprint stops at the first layer whose input does not suit it (a Dense layer given
/// images, a window larger than its input) or whose type is not one of the engine's; building the
/// model then reports that layer's own error. <see cref="IsComplete"/> says whether it got through.</para>
/// </remarks>
public sealed class ModelFootprint
{
    /// <summary>Most values one tensor may hold: 2^31 - 1.</summary>
    public const long MaxTensorElements = int.MaxValue;

    /// <summary>One layer's sizes.</summary>
    /// <param name="Name">Layer name.</param>
    /// <param name="Type">Keras class name.</param>
    /// <param name="OutputShape">Per-image output shape, [C, H, W] or [F].</param>
    /// <param name="Parameters">Parameter count (weights, biases, BatchNormalization's statistics).</param>
    /// <param name="TrainableParameters">Those the optimizer updates.</param>
    /// <param name="TrainingValuesPerImage">Activation values the layer keeps per image while training.</param>
    /// <param name="InferenceValuesPerImage">Activation values it keeps per image at inference.</param>
    /// <param name="LargestValuesPerImage">Its largest activation tensor, values per image (the one that meets the tensor limit first as the batch grows).</param>
    public sealed record LayerFootprint(string Name, string Type, int[] OutputShape, long Parameters, long TrainableParameters,
        long TrainingValuesPerImage, long InferenceValuesPerImage, long LargestValuesPerImage);

    private ModelFootprint(string model, string source, IReadOnlyList<LayerFootprint> layers, bool complete)
    {
        Model = model;
        Source = source;
        Layers = layers;
        IsComplete = complete;
    }

    /// <summary>The model's name.</summary>
    public string Model { get; }
    /// <summary>Where the architecture came from, for messages.</summary>
    public string Source { get; }
    /// <summary>The layers the footprint got through, in order.</summary>
    public IReadOnlyList<LayerFootprint> Layers { get; }
    /// <summary>False when it stopped early (see the remarks): the estimates then cover only <see cref="Layers"/>.</summary>
    public bool IsComplete { get; }
    /// <summary>Total parameters.</summary>
    public long Parameters => Layers.Aggregate(0L, (sum, l) => Add(sum, l.Parameters));
    /// <summary>Trainable parameters.</summary>
    public long TrainableParameters => Layers.Aggregate(0L, (sum, l) => Add(sum, l.TrainableParameters));

    /// <summary>The footprint of <paramref name="model"/>, built or not (layers named, nothing allocated).</summary>
    /// <exception cref="ModelFormatException">A parameter tensor or a per-image output holds more than <see cref="MaxTensorElements"/>
    /// values, or a size is beyond 32-bit arithmetic (the message names the layer).</exception>
    public static ModelFootprint Of(Sequential model)
    {
        string source = model.Source;
        long[] shape = [.. model.InputShape];
        if (Product(shape) > MaxTensorElements)
            throw new ModelFormatException($"{source}: input_shape {Shape([shape[1], shape[2], shape[0]])} is {Count(Product(shape))} values per image, "
                + $"more than a tensor holds ({Count(MaxTensorElements)})");
        var layers = new List<LayerFootprint>();
        foreach (var layer in model.Layers)
        {
            var size = Measure(layer, shape, source);
            if (size is null) return new ModelFootprint(model.Name, source, layers, complete: false);
            layers.Add(size);
            shape = [.. size.OutputShape];
        }
        return new ModelFootprint(model.Name, source, layers, complete: true);
    }

    /// <summary>Bytes a build allocates: every parameter, and a gradient for each trainable one.</summary>
    public long BuildBytes(DType dtype = DType.Float32) => Multiply(Add(Parameters, TrainableParameters), Size(dtype));

    /// <summary>Bytes of a training step at batch <paramref name="batch"/>: parameters, gradients, <paramref name="optimizerSlots"/>
    /// moments per trainable parameter (Adam 2, SGD with momentum 1), and every layer's training activations.</summary>
    public long TrainingBytes(int batch, int optimizerSlots, DType dtype = DType.Float32) =>
        Add(Multiply(Add(Add(Parameters, TrainableParameters), Multiply(TrainableParameters, optimizerSlots)), Size(dtype)),
            Multiply(Multiply(Layers.Aggregate(0L, (sum, l) => Add(sum, l.TrainingValuesPerImage)), batch), Size(dtype)));

    /// <summary>Bytes of inference at batch <paramref name="batch"/>: the build and every layer's inference activations.</summary>
    public long InferenceBytes(int batch, DType dtype = DType.Float32) =>
        Add(BuildBytes(dtype), Multiply(Multiply(Layers.Aggregate(0L, (sum, l) => Add(sum, l.InferenceValuesPerImage)), batch), Size(dtype)));

    /// <summary>Fails when building the model would take more than <paramref name="budget"/> bytes.</summary>
    /// <exception cref="ModelFormatException">Over budget; the message gives the estimate and the largest layer.</exception>
    public void CheckBuild(long budget, DType dtype = DType.Float32) =>
        CheckBudget(BuildBytes(dtype), budget, "to build", l => Multiply(Add(l.Parameters, l.TrainableParameters), Size(dtype)));

    /// <summary>Fails when a training step at <paramref name="batch"/> would exceed <paramref name="budget"/> bytes or a tensor's size.</summary>
    /// <exception cref="ModelFormatException">Over budget, or an activation holds more than <see cref="MaxTensorElements"/> values at this batch
    /// size; the message names the layer.</exception>
    public void CheckTraining(int batch, int optimizerSlots, long budget, DType dtype = DType.Float32)
    {
        CheckBatch(batch);
        CheckBudget(TrainingBytes(batch, optimizerSlots, dtype), budget, $"to train at batch {batch}", l => Multiply(
            Add(Add(Add(l.Parameters, l.TrainableParameters), Multiply(l.TrainableParameters, optimizerSlots)), Multiply(l.TrainingValuesPerImage, batch)), Size(dtype)));
    }

    /// <summary>Fails when inference at <paramref name="batch"/> would exceed <paramref name="budget"/> bytes or a tensor's size.</summary>
    /// <exception cref="ModelFormatException">As <see cref="CheckTraining"/>.</exception>
    public void CheckInference(int batch, long budget, DType dtype = DType.Float32)
    {
        CheckBatch(batch);
        CheckBudget(InferenceBytes(batch, dtype), budget, $"for inference at batch {batch}", l => Multiply(
            Add(Add(l.Parameters, l.TrainableParameters), Multiply(l.InferenceValuesPerImage, batch)), Size(dtype)));
    }

    private void CheckBatch(int batch)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        foreach (var l in Layers)
            if (Multiply(l.LargestValuesPerImage, batch) > MaxTensorElements)
                throw new ModelFormatException($"{Source}: layer {Quote(l.Name)} ({l.Type}) would hold {Count(Multiply(l.LargestValuesPerImage, batch))} values in one tensor "
                    + $"at batch {batch} ({Count(l.LargestValuesPerImage)} per image), more than a tensor holds ({Count(MaxTensorElements)}); use a smaller batch or input");
    }

    private void CheckBudget(long bytes, long budget, string purpose, Func<LayerFootprint, long> layerBytes)
    {
        if (bytes <= budget) return;
        var largest = Layers.MaxBy(layerBytes)!;
        throw new ModelFormatException($"{Source}: model '{Quote(Model)}' needs about {MemoryBudget.Format(bytes)} {purpose}, over the memory budget of "
            + $"{MemoryBudget.Format(budget)}; its largest layer is {Quote(largest.Name)} ({largest.Type}, {Count(largest.Parameters)} parameters, "
            + $"output {Shape(largest.OutputShape)}: about {MemoryBudget.Format(layerBytes(largest))}). Make the model, the input or the batch smaller, "
            + $"or raise the budget with {MemoryBudget.EnvironmentVariable} (e.g. {MemoryBudget.EnvironmentVariable}=32G)");
    }

    // The layer's sizes for a per-image input of inputShape; null when the input does not suit it (Build then says why).
    private static LayerFootprint? Measure(Layer layer, long[] input, string source)
    {
        long inputValues = Product(input);
        (long[] output, long parameters, long trainable, long training, long inference, long largest)? sizes = layer switch
        {
            Conv2D c when input.Length == 3 => Convolution(c, input, source),
            MaxPooling2D p when input.Length == 3 => Pooling(p, input),
            Dense d when input.Length == 1 => Fully(d, input[0], source),
            BatchNormalization when input.Length is 1 or 3 => (input, 4 * input[0], 2 * input[0], Multiply(3, inputValues), inputValues, inputValues),
            Dropout => (input, 0, 0, Multiply(3, inputValues), 0, inputValues),
            Flatten => ([inputValues], 0, 0, 0, 0, 0),
            ActivationLayer => (input, 0, 0, Multiply(2, inputValues), inputValues, inputValues),
            _ => null,
        };
        if (sizes is not { } s) return null;
        long outputValues = Product(s.output);
        if (s.output.Any(d => d > MaxTensorElements) || outputValues > MaxTensorElements)
            throw new ModelFormatException($"{source}: layer {Quote(layer.Name)} ({layer.TypeName}) outputs {Shape(s.output)} = {Count(outputValues)} values per image, "
                + $"more than a tensor holds ({Count(MaxTensorElements)})");
        return new LayerFootprint(layer.Name, layer.TypeName, [.. s.output.Select(d => (int)d)], s.parameters, s.trainable, s.training, s.inference, s.largest);
    }

    private static (long[], long, long, long, long, long)? Convolution(Conv2D c, long[] input, string source)
    {
        var (kh, kw) = c.KernelSize;
        var (sh, sw) = c.Strides;
        // Conv2DGeometry works in 32-bit integers: input + stride + kernel must stay representable.
        if (input[1] + sh + kh > int.MaxValue || input[2] + sw + kw > int.MaxValue)
            throw new ModelFormatException($"{source}: layer {Quote(c.Name)} (Conv2D): kernel_size {kh}x{kw} and strides {sh}x{sw} on a {input[1]}x{input[2]} input are beyond 32-bit sizes");
        long oh = c.Padding == Padding.Same ? (input[1] + sh - 1) / sh : input[1] >= kh ? (input[1] - kh) / sh + 1 : 0;
        long ow = c.Padding == Padding.Same ? (input[2] + sw - 1) / sw : input[2] >= kw ? (input[2] - kw) / sw + 1 : 0;
        if (oh <= 0 || ow <= 0) return null;
        long kernel = Multiply(Multiply(Multiply(c.Filters, input[0]), kh), kw);
        CheckParameter(source, c, "kernel", [c.Filters, input[0], kh, kw], kernel);
        long parameters = Add(kernel, c.UseBias ? c.Filters : 0);
        long output = Multiply(Multiply(c.Filters, oh), ow), patches = Multiply(Multiply(Multiply(input[0], kh), kw), Multiply(oh, ow));
        long inputValues = Product(input);
        return ([c.Filters, oh, ow], parameters, parameters, Add(Add(output, inputValues), patches), Add(output, patches), Math.Max(Math.Max(output, patches), inputValues));
    }

    private static (long[], long, long, long, long, long)? Pooling(MaxPooling2D p, long[] input)
    {
        var (ph, pw) = p.PoolSize;
        var (sh, sw) = p.Strides;
        if (ph <= 0 || pw <= 0 || sh <= 0 || sw <= 0 || ph > input[1] || pw > input[2]) return null;
        long oh = (input[1] - ph) / sh + 1, ow = (input[2] - pw) / sw + 1;
        long output = Multiply(Multiply(input[0], oh), ow), inputValues = Product(input);
        return ([input[0], oh, ow], 0, 0, Add(Multiply(2, output), inputValues), Multiply(2, output), inputValues);
    }

    private static (long[], long, long, long, long, long) Fully(Dense d, long features, string source)
    {
        long kernel = Multiply(features, d.Units);
        CheckParameter(source, d, "kernel", [features, d.Units], kernel);
        long parameters = Add(kernel, d.UseBias ? d.Units : 0);
        return ([d.Units], parameters, parameters, d.Units + features, d.Units, Math.Max(d.Units, features));
    }

    private static void CheckParameter(string source, Layer layer, string name, long[] shape, long values)
    {
        if (values > MaxTensorElements)
            throw new ModelFormatException($"{source}: layer {Quote(layer.Name)} ({layer.TypeName}) would have a {name} of {Shape(shape)} = {Count(values)} values, "
                + $"more than a tensor holds ({Count(MaxTensorElements)})");
    }

    // Names come from the architecture file, which may make them any length.
    private static string Quote(string name) => Serialization.ErrorText.OneLine(name, 60);

    private static int Size(DType dtype) => dtype == DType.Float64 ? 8 : 4;

    // Saturating arithmetic: a size past long.MaxValue stays long.MaxValue, which every limit rejects.
    private static long Add(long a, long b) => a > long.MaxValue - b ? long.MaxValue : a + b;
    private static long Multiply(long a, long b) => a != 0 && b > long.MaxValue / a ? long.MaxValue : a * b;
    private static long Product(IEnumerable<long> shape) => shape.Aggregate(1L, Multiply);

    private static string Count(long n) => n == long.MaxValue ? "more than 9.2e18" : n.ToString("N0", CultureInfo.InvariantCulture);
    private static string Shape(IEnumerable<long> shape) => "[" + string.Join(", ", shape) + "]";
    private static string Shape(IEnumerable<int> shape) => "[" + string.Join(", ", shape) + "]";
}
