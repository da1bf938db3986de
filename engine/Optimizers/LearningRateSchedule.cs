namespace NativeCnn.Engine.Optimizers;

/// <summary>
/// Chooses the learning rate for each epoch from the base rate, as the functions given to Keras'
/// LearningRateScheduler callback do. (Rates that follow the validation history, Keras'
/// ReduceLROnPlateau, are a training callback: NativeCnn.Training.ReduceLROnPlateau.)
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>The learning rate for 1-based <paramref name="epoch"/>; <paramref name="current"/> is the rate of the previous epoch.</summary>
    public abstract double RateFor(int epoch, double current);

    /// <summary>Creates a schedule by name: constant, step or cosine.</summary>
    /// <param name="name">Schedule name.</param>
    /// <param name="baseRate">Learning rate of epoch 1.</param>
    /// <param name="epochs">Total epochs (cosine decays to 0 at the end).</param>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static LearningRateSchedule Create(string name, double baseRate, int epochs) => name switch
    {
        "constant" => new ConstantSchedule(baseRate),
        "step" => new StepSchedule(baseRate, everyEpochs: Math.Max(1, epochs / 3), factor: 0.1),
        "cosine" => new CosineSchedule(baseRate, epochs),
        _ => throw new ArgumentException($"unknown learning-rate schedule '{name}'; expected constant, step or cosine"),
    };
}

/// <summary>The same rate every epoch.</summary>
public sealed class ConstantSchedule(double rate) : LearningRateSchedule
{
    /// <inheritdoc/>
    public override double RateFor(int epoch, double current) => rate;
}

/// <summary>Step decay: lr = base · factor^floor((epoch - 1) / everyEpochs).</summary>
public sealed class StepSchedule(double baseRate, int everyEpochs, double factor) : LearningRateSchedule
{
    /// <inheritdoc/>
    public override double RateFor(int epoch, double current) => baseRate * Math.Pow(factor, (epoch - 1) / everyEpochs);
}

/// <summary>Cosine annealing without restarts (Loshchilov and Hutter 2017): lr = base · ½ (1 + cos(π (epoch - 1) / epochs)).</summary>
public sealed class CosineSchedule(double baseRate, int epochs) : LearningRateSchedule
{
    /// <inheritdoc/>
    public override double RateFor(int epoch, double current) => baseRate * 0.5 * (1 + Math.Cos(Math.PI * (epoch - 1) / Math.Max(1, epochs)));
}
