using System.Globalization;
using NativeCnn.Data;
using NativeCnn.Data.Splits;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Regularizers;

namespace NativeCnn.Trainer.Training;

/// <summary>
/// What a run adds to the plain cross-entropy: kernel L2 penalties (<c>--l2</c> plus any
/// kernel_regularizer in the architecture) and class weights (<c>--class-weight</c>), resolved once,
/// applied to the model, and described for the console, the checkpoint and the run reports.
/// </summary>
/// <param name="L2">The <c>--l2</c> factor given to every kernel without its own regularizer (0 = none).</param>
/// <param name="ClassWeightMode">"none" or "balanced".</param>
/// <param name="ClassWeight">One weight per class id, or null for "none".</param>
/// <param name="KernelL2">The λ each Conv2D/Dense kernel trains with, by layer name (0 = not regularised).</param>
/// <param name="ClassNames">The model's classes, to name the weights.</param>
public sealed record LossSettings(double L2, string ClassWeightMode, double[]? ClassWeight, IReadOnlyDictionary<string, double> KernelL2,
    IReadOnlyList<string> ClassNames)
{
    /// <summary>The <c>--class-weight</c> values.</summary>
    public static readonly string[] ClassWeightModes = ["none", "balanced"];

    /// <summary>Fails fast, before any data is read, on option values that cannot work.</summary>
    /// <exception cref="CliException"><paramref name="l2"/> is negative, NaN or infinite, or the mode is unknown.</exception>
    public static void Validate(double l2, string classWeightMode)
    {
        if (!(l2 >= 0) || double.IsInfinity(l2))
            throw new CliException($"--l2 must be a finite number >= 0 (Keras' l2 factor λ; 0 = off), got {l2.ToString(CultureInfo.InvariantCulture)}");
        if (!ClassWeightModes.Contains(classWeightMode))
            throw new CliException($"--class-weight must be one of {string.Join(", ", ClassWeightModes)}, got '{classWeightMode}'");
    }

    /// <summary>
    /// Gives l2(<paramref name="l2"/>) to every kernel of <paramref name="model"/> that has no regularizer of
    /// its own, and computes balanced class weights (scikit-learn's n_samples / (n_classes · count_c)) on
    /// <paramref name="train"/>, the images the run trains on, when asked.
    /// </summary>
    /// <exception cref="CliException">An option value is invalid, or a class has no training image (its balanced weight is undefined).</exception>
    public static LossSettings Apply(Sequential model, LabeledImageSet train, double l2, string classWeightMode)
    {
        Validate(l2, classWeightMode);
        if (l2 > 0) model.SetDefaultKernelRegularizer(new L2Regularizer(l2));
        var kernelL2 = model.Layers.Where(l => l is IKernelRegularizable)
            .ToDictionary(l => l.Name, l => ((IKernelRegularizable)l).KernelRegularizer?.L2 ?? 0);
        double[]? weights = null;
        if (classWeightMode == "balanced")
        {
            try { weights = Array.ConvertAll(ClassWeights.Balanced(train), w => (double)w); }
            catch (ArgumentException e) { throw new CliException($"--class-weight balanced: {e.Message}"); }
        }
        return new LossSettings(l2, classWeightMode, weights, kernelL2, model.Spec.Classes);
    }

    /// <summary>The class weights by class name, or null for "none".</summary>
    public IReadOnlyDictionary<string, double>? ClassWeightByName =>
        ClassWeight?.Select((w, c) => KeyValuePair.Create(ClassNames[c], w)).ToDictionary();

    /// <summary>
    /// The recipe text, or null when nothing is added: e.g. "kernel l2 0.0001 on 4 of 4 kernels, class_weight balanced
    /// (angry 1.026, disgust 9.407, ...)". Kernels grouped by λ, so per-layer architecture settings show too.
    /// </summary>
    public string? Describe()
    {
        var inv = CultureInfo.InvariantCulture;
        var parts = new List<string>();
        var groups = KernelL2.Values.Where(v => v > 0).GroupBy(v => v).OrderBy(g => g.Key).ToList();
        if (groups.Count > 0)
            parts.Add("kernel l2 " + string.Join(", ", groups.Select(g => $"{g.Key.ToString("G", inv)} on {g.Count()}")) + $" of {KernelL2.Count} kernels");
        if (ClassWeightByName is { } byName)
            parts.Add($"class_weight {ClassWeightMode} (" + string.Join(", ", byName.Select(p => $"{p.Key} {p.Value.ToString("0.000", inv)}")) + ")");
        return parts.Count == 0 ? null : string.Join(", ", parts);
    }
}
