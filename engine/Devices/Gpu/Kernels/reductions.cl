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

// First stage of Σ x²: every work-group strides over the whole tensor (work-item i of the launch
// takes elements i, i + global size, ...) and writes its total to partials[group]; the host adds
// the few partials in double. Used for the L2 penalty, once per epoch, so one pass is enough.
__kernel void sum_of_squares_partial(__global const real* x, const int n, __global real* partials)
{
    __local real scratch[REDUCE_SIZE];
    real partial = 0;
    for (int i = get_global_id(0); i < n; i += get_global_size(0))
        partial = fma(x[i], x[i], partial);
    const real total = group_sum(scratch, partial);
    if (get_local_id(0) == 0) partials[get_group_id(0)] = total;
}
