using ILGPU;
using ILGPU.Runtime;
using NativeCnn.Engine.Tensors;

namespace NativeCnn.Engine.Devices.Gpu;

public sealed partial class GpuDevice
{
    // Pinned (page-locked) host copies of the tensors uploaded asynchronously, one per destination, and the stream the
    // copies run on: a non-blocking stream, so copies overlap the kernels of the default stream.
    private readonly Dictionary<Tensor, object> _staging = [];
    private readonly HashSet<Tensor> _inFlight = [];
    private AcceleratorStream? _copyStream;

    /// <summary>Stages <paramref name="source"/> in pinned host memory kept for <paramref name="destination"/>, then copies
    /// it on the copy stream; the host returns once the staging copy is done.</summary>
    public override void UploadAsync<T>(Tensor destination, ReadOnlySpan<T> source)
    {
        CheckHostSpan<T>(destination, source.Length);
        if (source.IsEmpty) return;
        var view = View<T>(destination);
        // A staging buffer is written again only after the copy that reads it has finished.
        if (_inFlight.Contains(destination)) FinishUploads();
        if (!_staging.TryGetValue(destination, out object? staged) || staged is not PageLockedArray1D<T> pinned || pinned.Length != source.Length)
        {
            (staged as IDisposable)?.Dispose();
            pinned = _accelerator.AllocatePageLocked1D<T>(source.Length);
            _staging[destination] = pinned;
        }
        source.CopyTo(pinned.Span);
        _copyStream ??= _accelerator.CreateStream();
        view.CopyFromPageLockedAsync(_copyStream, pinned);
        _inFlight.Add(destination);
        Counters.Uploaded((long)source.Length * Interop.SizeOf<T>());
    }

    /// <inheritdoc/>
    public override void FinishUploads()
    {
        if (_inFlight.Count == 0) return;
        _copyStream!.Synchronize();
        _inFlight.Clear();
    }

    /// <summary>Frees the pinned staging buffers and the copy stream.</summary>
    private void DisposeUploads()
    {
        FinishUploads();
        foreach (object staged in _staging.Values) (staged as IDisposable)?.Dispose();
        _staging.Clear();
        _copyStream?.Dispose();
    }
}
