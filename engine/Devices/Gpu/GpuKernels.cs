using ILGPU;
using ILGPU.Runtime;

namespace NativeCnn.Engine.Devices.Gpu;

/// <summary>
/// A set of typed ILGPU kernels (one operation's, for one element type) loaded for one accelerator. Each operation's
/// <c>…Gpu.cs</c> declares its set; <see cref="GpuDevice"/> loads each set once, on first use, and keeps it for its
/// lifetime, so a kernel is compiled once per accelerator and then launched as a plain delegate call.
/// </summary>
/// <typeparam name="TSelf">The kernel set itself.</typeparam>
internal interface IGpuKernels<TSelf> where TSelf : class, IGpuKernels<TSelf>
{
    /// <summary>Compiles and loads the set's kernels for <paramref name="accelerator"/>.</summary>
    static abstract TSelf Load(Accelerator accelerator);
}

/// <summary>
/// The grid-stride loop of the element-wise kernels: thread g of a launch takes elements g, g + G, g + 2G, ... where G
/// is the number of threads in the launch. A launch then needs only as many work-groups as keep the device busy
/// (<see cref="GpuDevice.Stride"/>), not one per block of elements: on GPUs a common form, and on ILGPU's CPU
/// accelerator, whose every work-group costs tens of microseconds, 20 to 40 times faster than one group per block.
/// </summary>
internal static class GridStride
{
    /// <summary>This thread's first element.</summary>
    public static int First => Grid.GlobalIndex.X;

    /// <summary>Threads in the launch: the step between one thread's elements.</summary>
    public static int Step => Grid.DimX * Group.DimX;
}

/// <summary>Work-group reductions shared by the kernels that reduce per channel or over a whole tensor.</summary>
internal static class GroupReduce
{
    /// <summary>The largest work-group the reducing kernels are launched with; their shared scratch holds this many values.</summary>
    public const int MaxGroupSize = 256;

    /// <summary>
    /// Σ of one value per thread over the work-group, returned to every thread: a tree in shared memory, always added in
    /// the same order, so the result is deterministic (ILGPU.Algorithms' group reduce finishes with atomics, whose order
    /// varies). <paramref name="scratch"/> holds at least the group size; the group size is a power of two. Every thread
    /// of the group must call this (it has barriers).
    /// </summary>
    public static T Sum<T>(ArrayView<T> scratch, T value) where T : unmanaged, System.Numerics.INumber<T>
    {
        int lid = Group.IdxX;
        scratch[lid] = value;
        Group.Barrier();
        for (int stride = Group.DimX / 2; stride > 0; stride /= 2)
        {
            if (lid < stride) scratch[lid] += scratch[lid + stride];
            Group.Barrier();
        }
        T total = scratch[0];
        // Everyone reads scratch[0] before the group may call again and overwrite it.
        Group.Barrier();
        return total;
    }
}

/// <summary>
/// "The last work-group to finish does the final step" (CUDA's threadFenceReduction sample): the groups that
/// each produce a partial result of one item (a tile of a split-K product, a channel of a reduction) write it, and the
/// group that arrives last adds the partials, in a fixed order, so the whole reduction is one launch and deterministic,
/// with no atomics on the data and no waiting.
/// </summary>
internal static class LastArrival
{
    /// <summary>
    /// Counts this group's arrival at item <paramref name="item"/>, one of <paramref name="arrivals"/>, and returns to
    /// every thread whether it was the last; the last resets the counter to 0 for the next launch. The group's writes
    /// before the call are visible to the last group after it. Every thread of the group must call this (it has
    /// barriers); <paramref name="flag"/> is one int of shared memory.
    /// </summary>
    public static bool Arrive(ArrayView<int> counters, int item, int arrivals, ArrayView<int> flag)
    {
        MemoryFence.DeviceLevel();
        Group.Barrier();
        if (Group.IsFirstThread)
        {
            bool last = Atomic.Add(ref counters[item], 1) == arrivals - 1;
            if (last) counters[item] = 0;
            flag[0] = last ? 1 : 0;
        }
        Group.Barrier();
        bool isLast = flag[0] != 0;
        // Everyone has read the flag before the group may arrive again and overwrite it.
        Group.Barrier();
        if (isLast) MemoryFence.DeviceLevel();
        return isLast;
    }
}
