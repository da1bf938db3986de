using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Ops;

namespace NativeCnn.Engine.Devices.Gpu;

/// <summary>
/// An <see cref="OptimizerTable"/> with the parameters' addresses and the update chunks on the device (see
/// <see cref="OptimizerGpu"/>), uploaded once when the table is made.
/// </summary>
internal sealed class GpuOptimizerTable : OptimizerTable
{
    private readonly MemoryBuffer1D<OptimizerGpu.ParameterAddresses, Stride1D.Dense> _addresses;
    private readonly MemoryBuffer1D<OptimizerGpu.UpdateChunk, Stride1D.Dense> _chunks;

    public GpuOptimizerTable(Accelerator accelerator, IReadOnlyList<ParameterSlots> parameters, Func<Tensors.Tensor, long> address) : base(parameters)
    {
        var addresses = new OptimizerGpu.ParameterAddresses[Math.Max(1, parameters.Count)];
        var chunks = new List<OptimizerGpu.UpdateChunk>();
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i];
            long value = address(p.Value);
            // A missing slot points at the value: never written, and safe to read if a backend evaluates both sides of a select.
            addresses[i] = new OptimizerGpu.ParameterAddresses(value, address(p.Gradient),
                p.State.Count > 0 ? address(p.State[0]) : value, p.State.Count > 1 ? address(p.State[1]) : value);
            for (long start = 0; start < p.Value.Length; start += OptimizerGpu.ChunkLength)
                chunks.Add(new OptimizerGpu.UpdateChunk(i, (int)start, (int)Math.Min(OptimizerGpu.ChunkLength, p.Value.Length - start)));
        }
        ChunkCount = chunks.Count;
        if (chunks.Count == 0) chunks.Add(default);
        _addresses = accelerator.Allocate1D(addresses);
        _chunks = accelerator.Allocate1D(chunks.ToArray());
        Bytes = _addresses.LengthInBytes + _chunks.LengthInBytes;
    }

    /// <summary>Bytes of device memory the table holds (uploaded once).</summary>
    public long Bytes { get; }

    /// <summary>Chunks of the fused update.</summary>
    public int ChunkCount { get; }

    /// <summary>The parameters' addresses.</summary>
    public ArrayView<OptimizerGpu.ParameterAddresses> Addresses => _addresses.View;

    /// <summary>The chunks.</summary>
    public ArrayView<OptimizerGpu.UpdateChunk> Chunks => _chunks.View;

    public override void Dispose()
    {
        _addresses.Dispose();
        _chunks.Dispose();
        base.Dispose();
    }
}
