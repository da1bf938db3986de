using NativeCnn.Trainer.Training;

namespace NativeCnn.Tests.Trainer;

/// <summary>The whole-run ETA shown next to each epoch's.</summary>
public class RunClockTests
{
    private static TimeSpan S(double seconds) => TimeSpan.FromSeconds(seconds);

    [Test]
    public void Later_epochs_take_the_mean_of_the_finished_ones()
    {
        // Epoch 4 of 10: three epochs took 300 s in all (100 s each, validation included),
        // 40 s left in this one, then six more at 100 s.
        Assert.That(RunClock.Estimate(10, 3, S(300), S(70), S(40)), Is.EqualTo(S(640)));
    }

    [Test]
    public void The_first_epoch_projects_its_own_length()
    {
        // 30 s in, 90 s to go: a 120 s epoch, and four more of them.
        Assert.That(RunClock.Estimate(5, 0, TimeSpan.Zero, S(30), S(90)), Is.EqualTo(S(90 + 4 * 120)));
    }

    [Test]
    public void The_last_epoch_leaves_only_its_own_remainder()
    {
        Assert.That(RunClock.Estimate(3, 2, S(500), S(10), S(25)), Is.EqualTo(S(25)));
    }

    [Test]
    public void An_epoch_outside_the_run_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RunClock.Estimate(3, 3, S(1), S(1), S(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => RunClock.Estimate(3, -1, S(1), S(1), S(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RunClock(0));
    }

    [TestCase(0, "0:00")]
    [TestCase(65, "1:05")]
    [TestCase(3599, "59:59")]
    [TestCase(3600, "1:00:00")]
    [TestCase(6070, "1:41:10")]
    [TestCase(90000, "25:00:00")]
    public void Durations_do_not_wrap_at_an_hour(int seconds, string text)
    {
        Assert.That(RunClock.Format(S(seconds)), Is.EqualTo(text));
    }

    [Test]
    public void The_clock_counts_the_epochs_it_has_started()
    {
        var clock = new RunClock(4);
        clock.StartEpoch();
        // First epoch, nothing finished: the projection is this epoch's elapsed time + remainder, times 4 epochs in all.
        TimeSpan first = clock.Remaining(S(100));
        Assert.That(first, Is.GreaterThanOrEqualTo(S(400)).And.LessThan(S(401)));
        clock.StartEpoch();
        // One epoch finished in well under a second, so the two epochs after this one add almost nothing.
        Assert.That(clock.Remaining(S(100)), Is.GreaterThanOrEqualTo(S(100)).And.LessThan(S(102)));
    }

    [Test]
    public void A_resumed_run_counts_only_the_epochs_left()
    {
        // Resumed at epoch 9 of 10: this epoch's remaining 100 s and one more epoch of about 100 s.
        var clock = new RunClock(10, firstEpoch: 9);
        clock.StartEpoch();
        Assert.That(clock.Remaining(S(100)), Is.GreaterThanOrEqualTo(S(200)).And.LessThan(S(202)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RunClock(10, firstEpoch: 11));
    }
}
