using System.Numerics;
using System.Runtime.InteropServices;

namespace NativeCnn.Engine.Devices.Cpu;

/// <summary>
/// Grow-only scratch memory, one set of slots per worker, so kernels that need temporary
/// matrices (im2col columns, partial gradients) allocate only on the first step of a run.
/// </summary>
internal sealed unsafe class Workspace : IDisposable
{
    private readonly nint[,] _pointers;
    private readonly long[,] _bytes;

    public Workspace(int workers, int slots)
    {
        _pointers = new nint[workers, slots];
        _bytes = new long[workers, slots];
    }

    /// <summary>At least <paramref name="elements"/> elements of scratch for (worker, slot); contents are undefined.</summary>
    public T* Get<T>(int worker, int slot, long elements) where T : unmanaged
    {
        long bytes = Math.Max(1, elements) * sizeof(T);
        if (_bytes[worker, slot] < bytes)
        {
            NativeMemory.AlignedFree((void*)_pointers[worker, slot]);
            _pointers[worker, slot] = (nint)NativeMemory.AlignedAlloc((nuint)bytes, CpuBuffer.Alignment);
            _bytes[worker, slot] = bytes;
        }
        return (T*)_pointers[worker, slot];
    }

    /// <summary>
    /// Adds the per-worker partial sums in <paramref name="slot"/> of workers 1 .. <paramref name="workers"/> − 1 into
    /// worker 0's, in that fixed order, so results do not depend on which core finished first; returns worker 0's.
    /// </summary>
    public T* SumOverWorkers<T>(int workers, int slot, long length) where T : unmanaged, INumberBase<T>
    {
        T* total = Get<T>(0, slot, length);
        for (int w = 1; w < workers; w++)
            VectorLoop.Map<T, AddOp<T>>(total, Get<T>(w, slot, length), total, length);
        return total;
    }

    public void Dispose()
    {
        for (int w = 0; w < _pointers.GetLength(0); w++)
            for (int s = 0; s < _pointers.GetLength(1); s++)
            {
                NativeMemory.AlignedFree((void*)_pointers[w, s]);
                _pointers[w, s] = 0;
                _bytes[w, s] = 0;
            }
    }
}
