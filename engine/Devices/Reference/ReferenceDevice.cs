namespace NativeCnn.Engine.Devices.Reference;

/// <summary>
/// The device whose every operation runs the scalar reference implementations (engine/Ops/*/…Reference.cs): the
/// equations as plain loops, one thread, no blocking and no SIMD. Slow, and obviously right: the oracle the other
/// devices are tested against, and a place for a learner to step through the math. Tensors live in host memory.
/// </summary>
public sealed partial class ReferenceDevice : HostDevice
{
    /// <inheritdoc/>
    public override string Name => "reference (scalar reference kernels, one thread)";
}
