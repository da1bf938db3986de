using NativeCnn.Trainer.Training;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace NativeCnn.Trainer.Reports;

/// <summary>
/// training_curves.png/.svg: three panels side by side, per epoch: loss (train and validation),
/// accuracy (train and validation, 0-100 %) and the learning rate, with the best epoch (the one
/// whose checkpoint was kept) marked by a dashed line in each, named in the legends. Ticks are ScottPlot's rounded ones
/// (1, 2 or 5 times a power of ten); epochs are whole numbers.
/// </summary>
internal static class TrainingCurvesChart
{
    /// <summary>Colours of the train and validation curves (ScottPlot's Category10 blue and orange).</summary>
    private static readonly Color Train = Color.FromHex("#1f77b4"), Validation = Color.FromHex("#ff7f0e");

    /// <summary>Writes the chart.</summary>
    /// <param name="pngPath">Where the PNG goes; the SVG is written next to it.</param>
    /// <param name="history">One entry per epoch, in order.</param>
    /// <param name="bestEpoch">1-based epoch to mark.</param>
    /// <param name="validationName">What the validation curves are measured on (e.g. public-test).</param>
    public static void Save(string pngPath, IReadOnlyList<EpochStats> history, int bestEpoch, string validationName)
    {
        ChartFont.Use();
        double[] epochs = history.Select(h => (double)h.Epoch).ToArray();

        Plot loss = Panel("Loss", "cross-entropy (nats)", epochs, bestEpoch);
        Curve(loss, epochs, history.Select(h => h.TrainLoss), "train", Train);
        Curve(loss, epochs, history.Select(h => h.ValidationLoss), validationName, Validation);
        loss.ShowLegend(Alignment.UpperRight);

        Plot accuracy = Panel("Accuracy", "accuracy", epochs, bestEpoch);
        Curve(accuracy, epochs, history.Select(h => 100 * h.TrainAccuracy), "train", Train);
        Curve(accuracy, epochs, history.Select(h => 100 * h.ValidationAccuracy), validationName, Validation);
        accuracy.Axes.Left.TickGenerator = new NumericAutomatic { LabelFormatter = v => $"{v:0.##} %" };
        accuracy.Axes.SetLimitsY(0, 100);
        accuracy.ShowLegend(Alignment.LowerRight);

        Plot rate = Panel("Learning rate", "learning rate", epochs, bestEpoch);
        Curve(rate, epochs, history.Select(h => h.LearningRate), "learning rate", Train);
        rate.ShowLegend(Alignment.LowerRight);
        // A constant rate would otherwise autoscale to a hair-thin range; start the axis at zero.
        rate.Axes.SetLimitsY(0, history.Max(h => h.LearningRate) * 1.15);

        var figure = new Multiplot(loss);
        figure.Subplots.Add(accuracy);
        figure.Subplots.Add(rate);
        figure.Layout = new ScottPlot.MultiplotLayouts.Columns();
        ChartFiles.Save(pngPath, 1650, 500, figure.Render);
    }

    private static Plot Panel(string title, string yLabel, double[] epochs, int bestEpoch)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("epoch");
        plot.YLabel(yLabel);
        plot.Axes.Bottom.TickGenerator = new NumericAutomatic { IntegerTicksOnly = true };
        plot.Axes.SetLimitsX(epochs.Min() - 0.5, epochs.Max() + 0.5);
        var best = plot.Add.VerticalLine(bestEpoch);
        best.LinePattern = LinePattern.Dashed;
        best.Color = Colors.Gray;
        best.LegendText = $"best epoch ({bestEpoch})";
        return plot;
    }

    private static void Curve(Plot plot, double[] epochs, IEnumerable<double> values, string name, Color color)
    {
        var scatter = plot.Add.Scatter(epochs, values.ToArray(), color);
        scatter.LegendText = name;
        scatter.LineWidth = 2;
        scatter.MarkerSize = 6;
    }
}
