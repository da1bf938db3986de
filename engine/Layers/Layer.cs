using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Layers;

/// <summary>
/// One step of a <see cref="Models.Sequential"/> model. A layer holds its parameters, caches
/// what its backward pass needs, and asks its <see cref="Devices.Device"/> for the math; it
/// never knows which backend runs it.
/// </summary>
/// <remarks>
/// Life cycle: <see cref="Build"/> once (allocates and initialises parameters for a per-sample
/// input shape), then any number of <see cref="Forward"/> / <see cref="Backward"/> pairs.
/// Output and gradient tensors are owned by the layer and reused across steps (reallocated
/// only when the batch size changes), so the training loop allocates nothing in steady state;
/// a returned tensor is valid until the layer's next call.
/// </remarks>
public abstract class Layer : IDisposable
{
    private readonly List<Parameter> _parameters = [];
    private readonly List<Tensor> _owned = [];
    private Device? _device;
    private string? _name;

    /// <summary>Creates a layer named <paramref name="name"/>, or, when null, unnamed until
    /// <see cref="Models.Sequential.Add"/> gives it Keras' automatic name (conv2d_1, dense_2, ...).</summary>
    protected Layer(string? name) => _name = name;

    /// <summary>Unique name within the model, used for checkpoint keys ("conv2d_1.kernel").</summary>
    /// <exception cref="InvalidOperationException">The layer was created without a name and is not in a model yet.</exception>
    public string Name => _name ?? throw new InvalidOperationException($"this {TypeName} layer has no name until it is added to a Sequential model");

    /// <summary>How a constructor's error message names the layer: "Dense" or "Dense dense_head".</summary>
    protected static string Label(string type, string? name) => name is null ? type : $"{type} {name}";

    /// <summary>True once the layer has a name: given to the constructor or assigned by the model.</summary>
    internal bool IsNamed => _name != null;

    /// <summary>Gives an unnamed layer its automatic name (see <see cref="Models.Sequential.Add"/>).</summary>
    internal void AssignName(string name) => _name = name;

    /// <summary>True once <see cref="Build"/> has run.</summary>
    public bool IsBuilt => _device != null;

    /// <summary>
    /// The layer's constructor arguments under their Keras names (Keras' <c>get_config()</c>), as an
    /// architecture file's layer entry holds them next to "type" and "name": numbers, strings,
    /// booleans, [height, width] pairs as int arrays, and a regularizer as {"l2": λ} or null.
    /// </summary>
    public abstract IReadOnlyDictionary<string, object?> Config { get; }

    /// <summary>The Keras class name: Conv2D, Dense, BatchNormalization, ...</summary>
    public abstract string TypeName { get; }

    /// <summary>Per-sample input shape: [C, H, W] for images, [F] for features.</summary>
    public int[] InputShape { get; private set; } = [];

    /// <summary>Per-sample output shape.</summary>
    public int[] OutputShape { get; private set; } = [];

    /// <summary>Position in the model (0-based); keys the layer's dropout stream.</summary>
    public int Index { get; private set; }

    /// <summary>Weights in checkpoint order.</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>The device the layer runs on (set by <see cref="Build"/>).</summary>
    /// <exception cref="InvalidOperationException">The layer is not built yet.</exception>
    protected Device Device => _device ?? throw new InvalidOperationException($"layer {Name} is not built");

    /// <summary>Element type of the layer's tensors.</summary>
    protected DType DType { get; private set; }

    /// <summary>Allocates parameters for inputs of per-sample shape <paramref name="inputShape"/> and initialises them from <paramref name="seed"/>.</summary>
    /// <exception cref="ArgumentException">The input shape does not suit the layer (message names the layer).</exception>
    public void Build(Device device, DType dtype, int[] inputShape, int index, ulong seed)
    {
        _device = device;
        DType = dtype;
        Index = index;
        InputShape = (int[])inputShape.Clone();
        OutputShape = OnBuild(inputShape, new Initializers.WeightInitializer(seed, (uint)index));
    }

    /// <summary>Validates the input shape, adds parameters, returns the per-sample output shape.</summary>
    protected abstract int[] OnBuild(int[] inputShape, Initializers.WeightInitializer init);

    /// <summary>Computes the layer's output for x [N, ...InputShape].</summary>
    public abstract Tensor Forward(Tensor x, in ForwardContext context);

    /// <summary>
    /// Given dy = ∂loss/∂output of the last forward pass, writes the parameter gradients and
    /// returns ∂loss/∂input, or null when <paramref name="needInputGradient"/> is false (the first
    /// layer: the image needs no gradient). May overwrite dy.
    /// </summary>
    public abstract Tensor? Backward(Tensor dy, bool needInputGradient);

    /// <summary>
    /// The penalty this layer adds to the training loss (Keras <c>layer.losses</c>), nats: λ·Σ w² for
    /// a regularised kernel, 0 for layers without regularizers. Reads the current weights; on a GPU
    /// this is a reduction plus a read-back, so callers compute it when they report, not every step.
    /// </summary>
    public virtual double RegularizationLoss() => 0;

    /// <summary>Extra text for the summary's type column (e.g. the activation), or null.</summary>
    public virtual string? Details => null;

    /// <summary>Adds a parameter; trainable ones get a gradient tensor of the same shape.</summary>
    protected Parameter AddParameter(string name, int[] shape, bool trainable)
    {
        var value = Device.Allocate(DType, shape);
        var p = new Parameter(Name, name, value, trainable ? Device.Zeros(DType, shape) : null);
        _parameters.Add(p);
        return p;
    }

    /// <summary>Allocates a scratch tensor the layer owns and frees on <see cref="Dispose"/>.</summary>
    protected Tensor AllocateOwned(params int[] shape)
    {
        var t = Device.Allocate(DType, shape);
        _owned.Add(t);
        return t;
    }

    /// <summary>Returns <paramref name="slot"/> if it already has shape [batch, ...perSample] and dtype, else replaces it.</summary>
    protected Tensor Reuse(ref Tensor? slot, int batch, int[] perSample, DType? dtype = null)
    {
        var type = dtype ?? DType;
        if (slot != null && slot.Dim(0) == batch && slot.DType == type && slot.Length == batch * Tensor.CheckedLength(perSample))
            return slot;
        if (slot != null)
        {
            _owned.Remove(slot);
            slot.Dispose();
        }
        slot = Device.Allocate(type, [batch, .. perSample]);
        _owned.Add(slot);
        return slot;
    }

    /// <summary>Checks that x is [N, ...InputShape].</summary>
    /// <exception cref="ArgumentException">The shape differs (message names the layer and both shapes).</exception>
    protected void CheckInput(Tensor x)
    {
        if (x.Rank != InputShape.Length + 1 || !x.Shape[1..].SequenceEqual(InputShape) || x.DType != DType)
            throw new ArgumentException($"layer {Name} expects [N, {string.Join(", ", InputShape)}] {DType}, got {x.ShapeString()} {x.DType}");
    }

    /// <summary>Frees parameters and cached tensors.</summary>
    public void Dispose()
    {
        foreach (var p in _parameters) { p.Value.Dispose(); p.Gradient?.Dispose(); }
        foreach (var t in _owned) t.Dispose();
        _owned.Clear();
        GC.SuppressFinalize(this);
    }
}
