namespace NativeCnn.Engine.Devices.Cpu;

/// <summary>Splits a range into one contiguous block per core.</summary>
/// <remarks>Static blocks (not work stealing) because every kernel here does equal work per
/// index; one block per core keeps thread start-up cost to one task per core per call.</remarks>
internal static class CpuParallel
{
    /// <summary>Cores used by the CPU kernels.</summary>
    public static int Workers { get; } = Environment.ProcessorCount;

    /// <summary>Runs body(start, end) over [0, count) in at most <see cref="Workers"/> blocks of at least <paramref name="minPerBlock"/> items.</summary>
    public static void For(int count, int minPerBlock, Action<int, int> body)
    {
        int blocks = Math.Clamp(count / Math.Max(1, minPerBlock), 1, Workers);
        if (blocks == 1)
        {
            body(0, count);
            return;
        }
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = Workers }, block =>
        {
            long start = (long)count * block / blocks, end = (long)count * (block + 1) / blocks;
            body((int)start, (int)end);
        });
    }

    /// <summary>Runs body(worker, start, end) with the worker index, for kernels that keep per-worker scratch memory.</summary>
    public static void ForWorkers(int count, Action<int, int, int> body)
    {
        int blocks = Math.Clamp(count, 1, Workers);
        if (blocks == 1)
        {
            body(0, 0, count);
            return;
        }
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = Workers }, block =>
        {
            long start = (long)count * block / blocks, end = (long)count * (block + 1) / blocks;
            body(block, (int)start, (int)end);
        });
    }
}
