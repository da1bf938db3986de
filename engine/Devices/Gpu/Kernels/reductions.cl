// Per-channel sums over x viewed as [N, C, S]: one work-group per channel, REDUCE_SIZE work-items
// striding over the N*S values. Used for the conv bias gradient (S = OH*OW) and for SumRows (S = 1).
__kernel void channel_sum(__global const real* x, __global real* sums, const int n, const int c, const int s)
{
    __local real scratch[REDUCE_SIZE];
    const int channel = get_group_id(0);
    const int count = n * s;
    real partial = 0;
    for (int t = get_local_id(0); t < count; t += REDUCE_SIZE)
        partial += x[((t / s) * c + channel) * s + t % s];
    const real total = group_sum(scratch, partial);
    if (get_local_id(0) == 0) sums[channel] = total;
}
