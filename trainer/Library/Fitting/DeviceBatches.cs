using NativeCnn.Data.Batching;
using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Training;

/// <summary>One training batch on the device: images [Count, C, H, W] and labels [Count].</summary>
/// <param name="X">The images.</param>
/// <param name="Y">The Int32 labels.</param>
/// <param name="Count">Samples in the batch.</param>
internal readonly record struct DeviceBatch(Tensor X, Tensor Y, int Count);

/// <summary>
/// An epoch's batches on the device, each uploaded while the step before it computes: when the loop asks for batch k,
/// its upload (started one step earlier) is finished and batch k + 1's starts (<see cref="Device.UploadAsync{T}"/>: on a
/// GPU a copy from pinned memory on a stream of its own), so the device never waits for the host's copy. Three sets of
/// input tensors take turns: the one step k computes on, the one being filled for step k + 1, and step k - 1's, which
/// the device may still be reading (its backward pass) until step k's loss is read back.
/// </summary>
internal sealed class DeviceBatches(Device device, int[] inputShape) : IDisposable
{
    private readonly BatchTensors[] _slots = [new(device, inputShape), new(device, inputShape), new(device, inputShape)];

    /// <summary>The prefetcher's batches, on the device.</summary>
    public IEnumerable<DeviceBatch> Of(Prefetcher prefetcher)
    {
        using var batches = prefetcher.GetEnumerator();
        int slot = 0;
        DeviceBatch? next = batches.MoveNext() ? Start(batches.Current, slot) : null;
        while (next is { } current)
        {
            device.FinishUploads();
            slot = (slot + 1) % _slots.Length;
            // The prefetcher recycles the host batch once the next is taken: Start has copied it out already.
            next = batches.MoveNext() ? Start(batches.Current, slot) : null;
            yield return current;
        }
    }

    private DeviceBatch Start(Batch batch, int slot)
    {
        var (x, y) = _slots[slot].For(batch.Count);
        device.UploadAsync<float>(x, batch.Pixels);
        device.UploadAsync<int>(y, batch.Labels);
        return new DeviceBatch(x, y, batch.Count);
    }

    /// <summary>Frees the input tensors.</summary>
    public void Dispose()
    {
        device.FinishUploads();
        foreach (var slot in _slots) slot.Dispose();
    }
}
