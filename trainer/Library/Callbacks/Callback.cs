using System.Text.Json;
using NativeCnn.Engine.Serialization;

namespace NativeCnn.Training;

/// <summary>
/// Code run at fixed points of <see cref="ModelFitting.Fit"/>, as Keras' <c>keras.callbacks.Callback</c>:
/// <see cref="OnTrainBegin"/>, then per epoch <see cref="OnEpochBegin"/>, <see cref="OnBatchEnd"/> after
/// every batch, <see cref="OnEpochEnd"/> after validation, and <see cref="OnTrainEnd"/>. Callbacks run in
/// the order given to Fit.
/// </summary>
/// <remarks>
/// A callback whose decisions depend on earlier epochs (a best value, a count of epochs without
/// improvement) saves that state through <see cref="SaveState"/> and <see cref="RestoreState"/>, so a
/// run resumed by <see cref="BackupAndRestore"/> continues exactly as it would have without the break.
/// </remarks>
public abstract class Callback
{
    private FitContext? _context;

    /// <summary>The running fit; set before <see cref="OnTrainBegin"/>.</summary>
    /// <exception cref="InvalidOperationException">Used outside Fit.</exception>
    protected FitContext Context => _context ?? throw new InvalidOperationException($"{GetType().Name} is used outside Fit");

    internal void Attach(FitContext context) => _context = context;

    /// <summary>Before the first epoch (after a resumed run's state is restored).</summary>
    public virtual void OnTrainBegin() { }

    /// <summary>Before epoch <paramref name="epoch"/> (1-based) trains.</summary>
    public virtual void OnEpochBegin(int epoch) { }

    /// <summary>After each training batch.</summary>
    public virtual void OnBatchEnd(BatchProgress progress) { }

    /// <summary>After an epoch's training and validation; <paramref name="logs"/> is already in <see cref="FitContext.History"/>.</summary>
    public virtual void OnEpochEnd(EpochStats logs) { }

    /// <summary>After the last epoch, or after the one at which a callback stopped training.</summary>
    public virtual void OnTrainEnd() { }

    /// <summary>The state a resumed run needs, as a JSON-serialisable object, or null when the callback has none.</summary>
    public virtual object? SaveState() => null;

    /// <summary>Restores what <see cref="SaveState"/> returned (read back as JSON).</summary>
    /// <exception cref="TrainingException">The state does not fit this callback.</exception>
    public virtual void RestoreState(JsonElement state) { }

    /// <summary>Tensors a resumed run needs besides the model's and the optimizer's (e.g. best weights), named uniquely within the callback.</summary>
    public virtual IEnumerable<SafeTensor> SaveTensors() => [];

    /// <summary>Restores what <see cref="SaveTensors"/> returned, by name.</summary>
    /// <exception cref="TrainingException">A tensor is missing or does not fit.</exception>
    public virtual void RestoreTensors(IReadOnlyDictionary<string, SafeTensor> tensors) { }
}
