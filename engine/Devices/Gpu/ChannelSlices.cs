using System.Numerics;
using ILGPU;

namespace NativeCnn.Engine.Devices.Gpu;

/// <summary>
/// x viewed as [N, C, S] for the per-channel reductions (BatchNormalization's statistics and gradients, bias gradients),
/// with each channel's M = N·S values cut into <see cref="Slices"/> slices of <see cref="SliceLength"/>. Work-group g
/// reduces slice g % Slices of channel g / Slices into partial g, so a reduction has C·Slices work-groups however few
/// the channels, and the partials are added in a fixed order afterwards (deterministic, no atomics).
/// </summary>
internal readonly struct ChannelSlices
{
    private readonly FastDivisor _perImage, _channels;

    /// <summary>The view of x [n, c, s] in <paramref name="slices"/> slices per channel.</summary>
    public ChannelSlices(int n, int c, int s, int slices)
    {
        N = n;
        C = c;
        S = s;
        Slices = slices;
        SliceLength = (int)(((long)n * s + slices - 1) / slices);
        _perImage = new FastDivisor(Math.Max(1, s));
        _channels = new FastDivisor(Math.Max(1, c));
    }

    /// <summary>The view of x [n, c, s] cut so that about <paramref name="groups"/> work-groups of
    /// <paramref name="groupSize"/> threads share the work, each thread taking at least a few values.</summary>
    public static ChannelSlices For(int n, int c, int s, int groups, int groupSize)
    {
        long count = (long)n * s;
        long slices = Math.Clamp((groups + Math.Max(c, 1) - 1) / Math.Max(c, 1), 1, Math.Max(1, count / (4L * groupSize)));
        return new ChannelSlices(n, c, s, (int)slices);
    }

    /// <summary>N, images (or rows).</summary>
    public int N { get; }

    /// <summary>C, channels.</summary>
    public int C { get; }

    /// <summary>S, values per image and channel (H·W, or 1).</summary>
    public int S { get; }

    /// <summary>Slices per channel.</summary>
    public int Slices { get; }

    /// <summary>Values per slice (the last may hold fewer).</summary>
    public int SliceLength { get; }

    /// <summary>M = N·S, the values of one channel.</summary>
    public int Count => N * S;

    /// <summary>Work-groups of a reduction: C·Slices.</summary>
    public int Groups => C * Slices;

    /// <summary>The flat index of the t-th value of channel c: ((t / S)·C + c)·S + t % S.</summary>
    public int Index(int t, int channel)
    {
        int n = _perImage.Divide(t);
        return (n * C + channel) * S + _perImage.Remainder(t, n);
    }

    /// <summary>The channel of flat index <paramref name="i"/> of x.</summary>
    public int Channel(int i)
    {
        int plane = _perImage.Divide(i);
        return _channels.Remainder(plane, _channels.Divide(plane));
    }
}

/// <summary>Kahan's compensated sum: each thread of a reduction adds thousands of values on ILGPU's CPU accelerator
/// (four threads per group), hundreds on a GPU; compensation keeps the rounding of a long sum at one or two units in
/// the last place, as the CPU's pairwise sums are. Only additions, so no backend may fuse or reorder them.</summary>
internal struct CompensatedSum<T> where T : unmanaged, IFloatingPointIeee754<T>
{
    private T _sum, _compensation;

    /// <summary>Adds <paramref name="value"/>.</summary>
    public void Add(T value)
    {
        T y = value - _compensation;
        T t = _sum + y;
        _compensation = t - _sum - y;
        _sum = t;
    }

    /// <summary>The sum so far.</summary>
    public readonly T Value => _sum;
}

/// <summary>Device-side helpers of the reductions over <see cref="ChannelSlices"/>.</summary>
internal static class ChannelReduce
{
    /// <summary>This work-group's (channel, slice) and the range [first, end) of the channel's values it reduces.</summary>
    public static (int Channel, int Slice, int First, int End) Slice(ChannelSlices slices)
    {
        int channel = Grid.IdxX / slices.Slices, slice = Grid.IdxX % slices.Slices;
        int first = slice * slices.SliceLength;
        return (channel, slice, first, Math.Min(slices.Count, first + slices.SliceLength));
    }

    /// <summary>
    /// Adds this thread's <paramref name="first"/> and <paramref name="second"/> over the work-group, stores the group's
    /// sums at partials[2g] and partials[2g + 1], and returns to every thread whether this group is the last of its
    /// channel to do so (<see cref="LastArrival"/>): the one that finishes the channel from the partials. Every thread of
    /// the group must call this.
    /// </summary>
    public static bool StorePair<T>(ArrayView<T> scratch, ArrayView<int> flag, ArrayView<T> partials, ArrayView<int> counters, T first, T second,
        int channel, ChannelSlices slices) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T a = GroupReduce.Sum(scratch, first);
        T b = GroupReduce.Sum(scratch, second);
        if (Group.IsFirstThread)
        {
            partials[2 * Grid.IdxX] = a;
            partials[2 * Grid.IdxX + 1] = b;
        }
        return LastArrival.Arrive(counters, channel, slices.Slices, flag);
    }

    /// <summary>Σ over p of partials[(c·Slices + p)·stride + offset], p in order.</summary>
    public static T Total<T>(ArrayView<T> partials, ChannelSlices slices, int channel, int stride, int offset) where T : unmanaged, IFloatingPointIeee754<T>
    {
        T total = T.Zero;
        for (int p = 0; p < slices.Slices; p++) total += partials[(channel * slices.Slices + p) * stride + offset];
        return total;
    }
}
