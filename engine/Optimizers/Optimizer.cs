using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Ops;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Optimizers;

/// <summary>
/// Updates trainable parameters from their gradients. Per-parameter state (momentum,
/// Adam moments) is allocated lazily on the parameter's device and exposed through
/// <see cref="State"/> so checkpoints can save it and a run resumes exactly.
/// </summary>
public abstract class Optimizer : IDisposable
{
    private readonly Dictionary<string, Tensor[]> _state = new(StringComparer.Ordinal);
    private readonly List<ParameterSlots> _trainable = [];
    // One ParameterSlots per parameter, kept while its value and gradient tensors stay the same, so a step allocates nothing.
    private readonly Dictionary<string, ParameterSlots> _slots = new(StringComparer.Ordinal);
    private OptimizerTable? _table;

    /// <summary>Creates the optimizer.</summary>
    /// <exception cref="ArgumentException">The learning rate is not positive and finite.</exception>
    protected Optimizer(double learningRate)
    {
        if (!(learningRate > 0) || double.IsInfinity(learningRate))
            throw new ArgumentException($"learning rate must be positive, got {learningRate}");
        LearningRate = learningRate;
    }

    /// <summary>Step size; may be changed between steps (schedules).</summary>
    public double LearningRate { get; set; }

    /// <summary>Steps taken so far (Keras "iterations").</summary>
    public long Iterations { get; set; }

    /// <summary>Keras-style name: "adam" or "sgd".</summary>
    public abstract string Name { get; }

    /// <summary>Hyper-parameters for reports and checkpoints.</summary>
    public abstract IReadOnlyDictionary<string, double> Config { get; }

    /// <summary>Names of the per-parameter state slots, e.g. ["m", "v"].</summary>
    protected abstract string[] SlotNames { get; }

    /// <summary>State tensors kept per trainable parameter (Adam 2, SGD with momentum 1, plain SGD 0), each of the parameter's size.</summary>
    public int SlotsPerParameter => SlotNames.Length;

    /// <summary>Applies one step to every trainable parameter: one fused update over the model's parameter table (one
    /// kernel launch on a GPU; see <see cref="Device.CreateOptimizerTable"/>), rebuilt only when the parameters change.</summary>
    /// <exception cref="ArgumentException">The trainable parameters live on more than one device.</exception>
    public void Step(IEnumerable<Parameter> parameters)
    {
        Iterations++;
        _trainable.Clear();
        foreach (var p in parameters)
            if (p.Trainable) _trainable.Add(SlotsOf(p));
        if (_trainable.Count == 0) return;
        Device device = _trainable[0].Value.Device;
        foreach (var p in _trainable)
            if (p.Value.Device != device) throw new ArgumentException("the trainable parameters live on more than one device");
        if (_table == null || !_table.Describes(_trainable))
        {
            _table?.Dispose();
            _table = device.CreateOptimizerTable([.. _trainable]);
        }
        Update(device, _table);
    }

    /// <summary>Updates every parameter of <paramref name="table"/> (its state slots in <see cref="SlotNames"/> order).</summary>
    protected abstract void Update(Device device, OptimizerTable table);

    private ParameterSlots SlotsOf(Parameter p)
    {
        if (!_slots.TryGetValue(p.FullName, out var slots) || slots.Value != p.Value || slots.Gradient != p.Gradient)
        {
            slots = new ParameterSlots(p.Value, p.Gradient!, SlotsFor(p));
            _slots[p.FullName] = slots;
        }
        return slots;
    }

    private Tensor[] SlotsFor(Parameter p)
    {
        if (!_state.TryGetValue(p.FullName, out var slots))
        {
            slots = SlotNames.Select(_ => p.Value.Device.Zeros(p.Value.DType, p.Value.ShapeArray())).ToArray();
            _state[p.FullName] = slots;
        }
        return slots;
    }

    /// <summary>All state tensors as ("optimizer.{slot}.{parameter}", tensor), allocating missing ones for <paramref name="parameters"/>.</summary>
    public IEnumerable<(string Name, Tensor Value)> State(IEnumerable<Parameter> parameters)
    {
        foreach (var p in parameters.Where(p => p.Trainable))
        {
            var slots = SlotsFor(p);
            for (int i = 0; i < slots.Length; i++) yield return ($"optimizer.{SlotNames[i]}.{p.FullName}", slots[i]);
        }
    }

    /// <summary>Frees state tensors and the parameter table.</summary>
    public void Dispose()
    {
        _table?.Dispose();
        _table = null;
        foreach (var t in _state.Values.SelectMany(s => s)) t.Dispose();
        _state.Clear();
        _slots.Clear();
        GC.SuppressFinalize(this);
    }
}

/// <summary>
/// Adam (Kingma and Ba 2015) with Keras defaults lr 1e-3, β1 0.9, β2 0.999, ε 1e-7.
/// Equation: <see cref="OptimizerReference"/> via <see cref="Device.AdamUpdate(OptimizerTable, double, double, double, double, long)"/>.
/// </summary>
public sealed class Adam(double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double epsilon = 1e-7) : Optimizer(learningRate)
{
    /// <summary>Decay of the first-moment average.</summary>
    public double Beta1 { get; } = beta1;
    /// <summary>Decay of the second-moment average.</summary>
    public double Beta2 { get; } = beta2;
    /// <summary>Added to √v for stability.</summary>
    public double Epsilon { get; } = epsilon;

    /// <inheritdoc/>
    public override string Name => "adam";

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> Config => new Dictionary<string, double>
    {
        ["learning_rate"] = LearningRate, ["beta_1"] = Beta1, ["beta_2"] = Beta2, ["epsilon"] = Epsilon,
    };

    /// <inheritdoc/>
    protected override string[] SlotNames => ["m", "v"];

    /// <inheritdoc/>
    protected override void Update(Device device, OptimizerTable table) =>
        device.AdamUpdate(table, LearningRate, Beta1, Beta2, Epsilon, Iterations);
}

/// <summary>
/// Stochastic gradient descent with optional (Nesterov) momentum, Keras defaults lr 1e-2,
/// momentum 0. Equation: <see cref="OptimizerReference"/> via <see cref="Device.SgdUpdate(OptimizerTable, double, double, bool)"/>.
/// </summary>
public sealed class Sgd(double learningRate = 1e-2, double momentum = 0, bool nesterov = false) : Optimizer(learningRate)
{
    /// <summary>Momentum coefficient μ in [0, 1).</summary>
    public double Momentum { get; } = momentum is >= 0 and < 1 ? momentum : throw new ArgumentException($"momentum must be in [0, 1), got {momentum}");
    /// <summary>Use Nesterov's look-ahead form.</summary>
    public bool Nesterov { get; } = nesterov;

    /// <inheritdoc/>
    public override string Name => "sgd";

    /// <inheritdoc/>
    public override IReadOnlyDictionary<string, double> Config => new Dictionary<string, double>
    {
        ["learning_rate"] = LearningRate, ["momentum"] = Momentum, ["nesterov"] = Nesterov ? 1 : 0,
    };

    /// <inheritdoc/>
    protected override string[] SlotNames => Momentum > 0 ? ["velocity"] : [];

    /// <inheritdoc/>
    protected override void Update(Device device, OptimizerTable table) =>
        device.SgdUpdate(table, LearningRate, Momentum, Nesterov);
}
