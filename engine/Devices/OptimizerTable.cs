using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices;

/// <summary>One trainable parameter as an optimizer step sees it: its value, its gradient and its state slots (SGD's
/// velocity; Adam's m and v), all of the value's shape and dtype on one device.</summary>
/// <param name="Value">The weights, updated in place.</param>
/// <param name="Gradient">∂loss/∂Value of the last backward pass.</param>
/// <param name="State">The optimizer's per-parameter state, in its slot order (may be empty).</param>
public sealed record ParameterSlots(Tensor Value, Tensor Gradient, IReadOnlyList<Tensor> State);

/// <summary>
/// The parameters that one optimizer step updates together, prepared once by a device
/// (<see cref="Device.CreateOptimizerTable"/>) and reused every step: a GPU keeps a table of their addresses on the
/// device, so that <see cref="Device.AdamUpdate(OptimizerTable, double, double, double, double, long)"/> and
/// <see cref="Device.SgdUpdate(OptimizerTable, double, double, bool)"/> are one kernel launch for the whole model
/// instead of one per tensor. Host devices keep the list and update tensor by tensor.
/// </summary>
public class OptimizerTable : IDisposable
{
    /// <summary>A table over <paramref name="parameters"/>.</summary>
    /// <exception cref="ArgumentException">A parameter's gradient or state differs from its value in length or dtype.</exception>
    protected internal OptimizerTable(IReadOnlyList<ParameterSlots> parameters)
    {
        foreach (var p in parameters)
        {
            if (p.Gradient.Length != p.Value.Length || p.Gradient.DType != p.Value.DType || p.State.Any(s => s.Length != p.Value.Length || s.DType != p.Value.DType))
                throw new ArgumentException($"the gradient and optimizer state of {p.Value} must match it in length and dtype");
        }
        Parameters = parameters;
    }

    /// <summary>The parameters, in the order given.</summary>
    public IReadOnlyList<ParameterSlots> Parameters { get; }

    /// <summary>True when the table still describes these tensors: the same value, gradient and state objects in the same
    /// order (an optimizer rebuilds its table when the model's parameters change).</summary>
    public bool Describes(IReadOnlyList<ParameterSlots> parameters)
    {
        if (parameters.Count != Parameters.Count) return false;
        for (int i = 0; i < parameters.Count; i++)
        {
            ParameterSlots a = parameters[i], b = Parameters[i];
            if (a.Value != b.Value || a.Gradient != b.Gradient || a.State.Count != b.State.Count) return false;
            for (int s = 0; s < a.State.Count; s++)
                if (a.State[s] != b.State[s]) return false;
        }
        return true;
    }

    /// <summary>Frees what the device keeps for the table (not the tensors).</summary>
    public virtual void Dispose() => GC.SuppressFinalize(this);
}
