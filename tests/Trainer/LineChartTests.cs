using NativeCnn.Trainer.Reports;

namespace NativeCnn.Tests.Trainer;

/// <summary>Where the training-curve legend goes: never over the curves when a corner is free.</summary>
public class LineChartTests
{
    // Plot area 400x200 at (100, 50); legend 150x44.
    private const int Px = 100, Py = 50, Pw = 400, Ph = 200, W = 150, H = 44;

    // A straight line from (x0, y0) to (x1, y1), one point every 2 pixels.
    private static List<(int X, int Y)> Line(int x0, int y0, int x1, int y1)
    {
        int n = Math.Max(1, Math.Max(Math.Abs(x1 - x0), Math.Abs(y1 - y0)) / 2);
        return Enumerable.Range(0, n + 1).Select(i => (x0 + (x1 - x0) * i / n, y0 + (y1 - y0) * i / n)).ToList();
    }

    [Test]
    public void A_falling_loss_curve_keeps_the_legend_top_right()
    {
        var origin = LineChart.LegendOrigin(Px, Py, Pw, Ph, W, H, Line(Px, Py, Px + Pw, Py + Ph));
        Assert.That(origin, Is.EqualTo((Px + Pw - 12 - W, Py + 8)));
    }

    [Test]
    public void A_rising_accuracy_curve_moves_the_legend_to_the_bottom_right()
    {
        // Rises fast, then flattens near the top: the top-right and top-left boxes are crossed.
        var curve = Line(Px, Py + Ph, Px + 60, Py + 20).Concat(Line(Px + 60, Py + 20, Px + Pw, Py + 5)).ToList();
        var origin = LineChart.LegendOrigin(Px, Py, Pw, Ph, W, H, curve);
        Assert.That(origin, Is.EqualTo((Px + Pw - 12 - W, Py + Ph - 8 - H)));
    }

    [Test]
    public void With_every_corner_crossed_the_least_covered_one_wins()
    {
        // A horizontal line through both top corners, a long one through the bottom-left corner and a 10-pixel stub in the bottom-right.
        var curve = Line(Px, Py + 20, Px + Pw, Py + 20)
            .Concat(Line(Px + Pw - 40, Py + Ph - 20, Px + Pw - 30, Py + Ph - 20))
            .Concat(Line(Px, Py + Ph - 30, Px + 140, Py + Ph - 30)).ToList();
        var origin = LineChart.LegendOrigin(Px, Py, Pw, Ph, W, H, curve);
        Assert.That(origin, Is.EqualTo((Px + Pw - 12 - W, Py + Ph - 8 - H)), "the stub covers fewer points than the lines elsewhere");
    }

    [TestCase(1.3852, 0.008, false, "1.385")]
    [TestCase(1.4, 0.2, false, "1.40")]
    [TestCase(2.5, 3.0, false, "2.50")]
    [TestCase(0.3412, 0.034, true, "34%")]
    [TestCase(0.3462, 0.002, true, "34.6%")]
    [TestCase(0.3, 0.1, true, "30%")]
    public void Tick_labels_have_enough_decimals_to_differ(double value, double step, bool percent, string expected)
    {
        Assert.That(LineChart.TickLabel(value, step, percent), Is.EqualTo(expected));
    }

    [Test]
    public void Neighbouring_ticks_of_a_narrow_range_never_print_the_same()
    {
        foreach (double span in new[] { 0.04, 0.004, 0.5, 7.0 })
        {
            var labels = Enumerable.Range(0, 6).Select(t => LineChart.TickLabel(1.38 + span * t / 5, span / 5, false)).ToList();
            Assert.That(labels, Is.Unique, $"span {span}: {string.Join(", ", labels)}");
        }
    }
}
