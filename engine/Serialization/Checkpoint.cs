using System.Text.Json;
using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Optimizers;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Serialization;

/// <summary>
/// Model checkpoints as <c>.safetensors</c> files: every parameter as a float32 tensor named
/// "layer.parameter" (e.g. conv2d_1.kernel [O, C, KH, KW]), and in <c>__metadata__</c> the
/// architecture JSON, class names, preprocessing and a free-form training-state JSON. Two kinds:
/// a model file (no optimizer: weights and BatchNormalization statistics only, all that loading a
/// model for evaluation, prediction or export needs) and a resumable file, which adds the
/// optimizer's state as "optimizer.slot.layer.parameter" (Adam's two moments make it three times
/// the size) and whatever else the run needs. PyTorch's safetensors package opens either directly.
/// Writes are atomic (temp file, fsync, rename), so an interrupted save never destroys the previous checkpoint.
/// </summary>
public static class Checkpoint
{
    /// <summary>Value of the "format" metadata key.</summary>
    public const string Format = "nativecnn-checkpoint-1";

    /// <summary>Writes <paramref name="model"/> (and the optimizer's state, when given) to <paramref name="path"/> atomically.</summary>
    /// <param name="path">Target file; its directory must exist.</param>
    /// <param name="model">The model; its float32 or float64 weights are stored as float32.</param>
    /// <param name="optimizer">Optimizer whose moments are saved so a run can resume exactly, or null.</param>
    /// <param name="trainingState">JSON text describing the run (epoch, metrics, seed, ...), stored verbatim.</param>
    /// <param name="extraTensors">More tensors a resumable file needs (their names must not clash with the parameters'), or null.</param>
    /// <exception cref="IOException">The file cannot be written; an existing file at <paramref name="path"/> is left as it was.</exception>
    /// <exception cref="ArgumentException">A weight of <paramref name="model"/> or a moment of <paramref name="optimizer"/> is NaN or
    /// infinite (a diverged run): such a model is never written, so the file keeps its last good content.</exception>
    public static void Save(string path, Sequential model, Optimizer? optimizer = null, string trainingState = "{}", IEnumerable<SafeTensor>? extraTensors = null)
    {
        var tensors = model.Parameters.Select(p => ToSafeTensor(p.FullName, p.Value, path)).ToList();
        if (optimizer != null)
            tensors.AddRange(optimizer.State(model.Parameters).Select(s => ToSafeTensor(s.Name, s.Value, path)));
        if (extraTensors != null) tensors.AddRange(extraTensors);
        var metadata = new Dictionary<string, string>
        {
            ["format"] = Format,
            ["architecture"] = model.Spec.Json,
            ["classes"] = JsonSerializer.Serialize(model.Spec.Classes),
            ["preprocessing"] = JsonSerializer.Serialize(new
            {
                input_shape = model.Spec.InputShapeHwc,
                color = "grayscale",
                scale = "pixel / 255",
                layout = "NCHW",
            }),
            ["training"] = trainingState,
        };
        if (optimizer != null)
            metadata["optimizer"] = JsonSerializer.Serialize(new { name = optimizer.Name, iterations = optimizer.Iterations, config = optimizer.Config });
        SafeTensorsFile.Write(path, tensors, metadata);
    }

    /// <summary>Loads a checkpoint: rebuilds the model from the stored architecture on <paramref name="device"/> and copies every parameter in.</summary>
    /// <exception cref="FileNotFoundException">No file at <paramref name="path"/>.</exception>
    /// <exception cref="CheckpointFormatException">Not a NativeCnn checkpoint, or a parameter is missing, has the wrong shape or is not finite
    /// (the message names the file and the tensor).</exception>
    public static LoadedCheckpoint Load(string path, Device device, DType dtype = DType.Float32)
    {
        var content = SafeTensorsFile.Read(path);
        if (!content.Metadata.TryGetValue("format", out var format) || format != Format)
            throw new CheckpointFormatException(path, $"metadata 'format' is '{format ?? "(missing)"}', expected '{Format}' (not a NativeCnn checkpoint)");
        if (!content.Metadata.TryGetValue("architecture", out var architecture))
            throw new CheckpointFormatException(path, "metadata has no 'architecture'");
        ArchitectureSpec spec;
        try { spec = ArchitectureSpec.Parse(architecture, $"{path} (architecture)"); }
        catch (ModelFormatException e) { throw new CheckpointFormatException(path, e.Message, e); }
        var model = Sequential.Build(spec, device, dtype);
        try
        {
            RestoreWeights(path, content, model);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        return new LoadedCheckpoint(model, content);
    }

    /// <summary>
    /// Copies every parameter (weights, biases, BatchNormalization's moving mean and variance)
    /// saved in <paramref name="content"/> into an already built <paramref name="model"/>, e.g. to
    /// resume a run into the model its command line built.
    /// </summary>
    /// <param name="path">The file <paramref name="content"/> came from, for error messages.</param>
    /// <param name="content">What <see cref="SafeTensorsFile.Read"/> returned for it.</param>
    /// <param name="model">Target model; its architecture must match the stored one.</param>
    /// <exception cref="CheckpointFormatException">A parameter is missing, has the wrong shape or type, or holds NaN or infinite values
    /// (the message names the file and the tensor).</exception>
    public static void RestoreWeights(string path, SafeTensorsContent content, Sequential model)
    {
        foreach (var p in model.Parameters)
        {
            if (!content.Tensors.TryGetValue(p.FullName, out var stored))
                throw new CheckpointFormatException(path, $"tensor '{p.FullName}' is missing");
            CopyInto(path, stored, p.Value);
        }
    }

    /// <summary>Restores optimizer moments and iteration count saved by <see cref="Save"/>.</summary>
    /// <exception cref="CheckpointFormatException">The file has no optimizer state of the optimizer's kind, its "optimizer" metadata is malformed
    /// (the message names the key), or a slot is missing, mis-shaped or not finite.</exception>
    public static void RestoreOptimizer(string path, SafeTensorsContent content, Sequential model, Optimizer optimizer)
    {
        if (!content.Metadata.ContainsKey("optimizer"))
            throw new CheckpointFormatException(path, "no optimizer state saved");
        var state = MetadataJson.Parse(path, content, "optimizer");
        string name = state.String("name");
        if (name != optimizer.Name)
            throw new CheckpointFormatException(path, $"optimizer state is for '{name}', not '{optimizer.Name}'");
        optimizer.Iterations = state.Integer("iterations", min: 0);
        foreach (var (slotName, tensor) in optimizer.State(model.Parameters))
        {
            if (!content.Tensors.TryGetValue(slotName, out var stored))
                throw new CheckpointFormatException(path, $"optimizer tensor '{slotName}' is missing");
            CopyInto(path, stored, tensor);
        }
    }

    // A NaN or infinity means the run diverged: such a tensor is never written, so the file keeps its last good content.
    private static SafeTensor ToSafeTensor(string name, Tensor t, string path)
    {
        float[] values = HostFloats.Read(t);
        int bad = HostFloats.FirstNonFinite(values);
        if (bad >= 0)
            throw new ArgumentException($"not writing {path}: tensor '{name}' holds {values[bad]} at element {bad} (the training diverged); "
                + "the file keeps its last good content");
        return SafeTensor.FromFloats(name, t.Shape, values);
    }

    private static void CopyInto(string path, SafeTensor stored, Tensor target)
    {
        if (!stored.Shape.SequenceEqual(target.ShapeArray()))
            throw new CheckpointFormatException(path, $"tensor '{stored.Name}' has shape [{string.Join(", ", stored.Shape)}], the architecture needs {target.ShapeString()}");
        if (stored.DType != SafeTensorDType.F32)
            throw new CheckpointFormatException(path, $"tensor '{stored.Name}' is {stored.DType.HeaderName()}, expected F32");
        float[] values = stored.ToFloats();
        int bad = HostFloats.FirstNonFinite(values);
        if (bad >= 0)
            throw new CheckpointFormatException(path, $"tensor '{stored.Name}' holds {values[bad]} at element {bad}; "
                + "a checkpoint with NaN or infinite values (of a diverged run) cannot be used");
        if (target.DType == DType.Float64) target.Device.Upload<double>(target, Array.ConvertAll(values, v => (double)v));
        else target.Device.Upload<float>(target, values);
    }
}

/// <summary>A model rebuilt from a checkpoint, with the file's raw content (metadata, optimizer tensors).</summary>
/// <param name="Model">The model, weights loaded, on the requested device.</param>
/// <param name="Content">Everything the file holds.</param>
public sealed record LoadedCheckpoint(Sequential Model, SafeTensorsContent Content) : IDisposable
{
    /// <summary>Frees the model.</summary>
    public void Dispose() => Model.Dispose();

    /// <summary>The "training" metadata JSON, or "{}".</summary>
    public string TrainingState => Content.Metadata.GetValueOrDefault("training", "{}");
}
