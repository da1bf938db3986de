namespace NativeCnn.Engine.Layers;

/// <summary>What a forward pass needs to know besides its input.</summary>
/// <param name="Training">True while training: dropout drops, batch normalisation uses batch statistics.</param>
/// <param name="Seed">Run seed; with <paramref name="Step"/> and the layer index it keys the dropout masks.</param>
/// <param name="Step">Optimizer step number (0-based), so each step draws fresh masks.</param>
public readonly record struct ForwardContext(bool Training, ulong Seed = 0, ulong Step = 0)
{
    /// <summary>Inference: no dropout, moving statistics.</summary>
    public static ForwardContext Inference => new(false);
}
