using NativeCnn.Engine.Optimizers;

namespace NativeCnn.Training;

/// <summary>
/// Keras' <c>LearningRateScheduler</c>: before each epoch, sets the optimizer's learning rate to what
/// <see cref="Schedule"/> gives for that epoch (constant, step decay, cosine annealing, ...).
/// </summary>
/// <param name="schedule">The schedule, e.g. <see cref="LearningRateSchedule.Create"/>'s cosine.</param>
public sealed class LearningRateScheduler(LearningRateSchedule schedule) : Callback
{
    /// <summary>The schedule.</summary>
    public LearningRateSchedule Schedule { get; } = schedule;

    /// <inheritdoc/>
    public override void OnEpochBegin(int epoch) => Context.Optimizer.LearningRate = Schedule.RateFor(epoch, Context.Optimizer.LearningRate);
}
