using NativeCnn.Data.Augmentation;
using NativeCnn.Engine.Optimizers;

namespace NativeCnn.Training;

/// <summary>
/// The settings of <see cref="ModelFitting.Fit"/> (Keras' <c>compile</c> and <c>fit</c> arguments that
/// are not callbacks).
/// </summary>
public sealed record FitOptions
{
    /// <summary>Passes over the training set, &gt; 0 (Keras' default 1). A resumed run counts the finished epochs.</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Images per optimizer step, &gt; 0 (Keras' default 32). The last batch of an epoch may be smaller.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Seeds shuffling, dropout and augmentation (weights are seeded by <see cref="Engine.Models.Sequential.Build(Engine.Devices.Device, Engine.Tensors.DType, ulong)"/>).</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>The optimizer (Keras' <c>compile(optimizer=...)</c>); Adam with Keras' defaults unless given. Fit does not dispose it.</summary>
    public Optimizer Optimizer { get; init; } = new Adam();

    /// <summary>Keras ImageDataGenerator-style random transforms of the training images, or null for none.</summary>
    public AugmentationOptions? Augmentation { get; init; }

    /// <summary>Keras <c>fit(class_weight=...)</c>: one loss weight per class id, applied to the training loss only
    /// (validation loss and every accuracy stay unweighted, as in Keras), or null for none.</summary>
    public IReadOnlyList<double>? ClassWeight { get; init; }

    /// <summary>
    /// What the caller wants every checkpoint of the run to record about it (data, settings, ...):
    /// stored, with the epoch and its metrics, as the "training" metadata of the files that
    /// <see cref="ModelCheckpoint"/> and <see cref="BackupAndRestore"/> write. Values must serialise to JSON.
    /// </summary>
    public IReadOnlyDictionary<string, object?> RunInfo { get; init; } = new Dictionary<string, object?>();

    /// <summary>Stops the run: checked before every batch; the epoch in progress is lost (a <see cref="BackupAndRestore"/> run resumes before it).</summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Checks the values.</summary>
    /// <exception cref="ArgumentException">Epochs or batch size not positive.</exception>
    internal void Validate()
    {
        if (Epochs <= 0) throw new ArgumentException($"epochs must be positive, got {Epochs}");
        if (BatchSize <= 0) throw new ArgumentException($"batch size must be positive, got {BatchSize}");
        ArgumentNullException.ThrowIfNull(Optimizer);
    }
}
