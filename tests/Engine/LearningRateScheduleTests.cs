using NativeCnn.Engine.Optimizers;

namespace NativeCnn.Tests.Engine;

public class LearningRateScheduleTests
{
    [Test]
    public void Step_decays_by_the_factor_every_n_epochs()
    {
        var s = new StepSchedule(0.1, everyEpochs: 3, factor: 0.5);
        Assert.That(Enumerable.Range(1, 7).Select(e => s.RateFor(e, 0)), Is.EqualTo(new[] { 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025 }).Within(1e-12));
    }

    [Test]
    public void Cosine_starts_at_the_base_rate_and_halves_midway()
    {
        var s = new CosineSchedule(0.2, epochs: 10);
        Assert.That(s.RateFor(1, 0), Is.EqualTo(0.2).Within(1e-12));
        Assert.That(s.RateFor(6, 0), Is.EqualTo(0.1).Within(1e-12));
        Assert.That(s.RateFor(10, 0), Is.LessThan(0.01));
    }

    [Test]
    public void Unknown_schedule_names_are_rejected()
    {
        Assert.That(() => LearningRateSchedule.Create("warmup", 0.1, 10), Throws.ArgumentException.With.Message.Contains("warmup"));
    }
}
