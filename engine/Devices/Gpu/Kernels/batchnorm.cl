// Batch normalisation over x viewed as [N, C, S]; the statistics of channel c run over the
// M = N*S values x[n, c, s]. Training and backward use one work-group of REDUCE_SIZE work-items
// per channel: reduce, then every work-item applies the result to its share of the channel.
// Equations: Device.BatchNormTraining / BatchNormBackward.

#define BN_INDEX(t) (((t) / s) * c + channel) * s + (t) % s

__kernel void batchnorm_training(__global const real* x, __global const real* gamma, __global const real* beta,
                                 __global real* movingMean, __global real* movingVariance,
                                 const real momentum, const real epsilon,
                                 __global real* y, __global real* batchMean, __global real* batchInvStd,
                                 const int n, const int c, const int s)
{
    __local real scratch[REDUCE_SIZE];
    const int channel = get_group_id(0), lid = get_local_id(0), count = n * s;
    real partial = 0;
    for (int t = lid; t < count; t += REDUCE_SIZE) partial += x[BN_INDEX(t)];
    const real mean = group_sum(scratch, partial) / (real)count;
    // Second pass over squared deviations, not E[x²] - E[x]², which cancels in float32.
    partial = 0;
    for (int t = lid; t < count; t += REDUCE_SIZE)
    {
        const real d = x[BN_INDEX(t)] - mean;
        partial += d * d;
    }
    const real variance = group_sum(scratch, partial) / (real)count;
    const real invStd = (real)1 / sqrt(variance + epsilon);
    if (lid == 0)
    {
        batchMean[channel] = mean;
        batchInvStd[channel] = invStd;
        movingMean[channel] = momentum * movingMean[channel] + ((real)1 - momentum) * mean;
        movingVariance[channel] = momentum * movingVariance[channel] + ((real)1 - momentum) * variance;
    }
    const real scale = gamma[channel] * invStd, shift = beta[channel] - mean * scale;
    for (int t = lid; t < count; t += REDUCE_SIZE) y[BN_INDEX(t)] = x[BN_INDEX(t)] * scale + shift;
}

// y = γ (x - moving mean)/√(moving variance + ε) + β, one work-item per element.
__kernel void batchnorm_inference(__global const real* x, __global const real* gamma, __global const real* beta,
                                  __global const real* movingMean, __global const real* movingVariance, const real epsilon,
                                  __global real* y, const int c, const int s, const int length)
{
    const int i = get_global_id(0);
    if (i >= length) return;
    const int channel = (i / s) % c;
    const real scale = gamma[channel] / sqrt(movingVariance[channel] + epsilon);
    y[i] = x[i] * scale + (beta[channel] - movingMean[channel] * scale);
}

// dβ = Σ dy; dγ = Σ dy x̂; dx = a dy + b (x - μ) + d with a = γσ⁻¹, b = -a σ⁻¹ dγ / M, d = -a dβ / M.
__kernel void batchnorm_backward(__global const real* x, __global const real* dy, __global const real* gamma,
                                 __global const real* batchMean, __global const real* batchInvStd,
                                 __global real* dx, __global real* dGamma, __global real* dBeta,
                                 const int n, const int c, const int s)
{
    __local real scratch[REDUCE_SIZE];
    const int channel = get_group_id(0), lid = get_local_id(0), count = n * s;
    const real mean = batchMean[channel], invStd = batchInvStd[channel];
    real partialDy = 0, partialDyX = 0;
    for (int t = lid; t < count; t += REDUCE_SIZE)
    {
        const real g = dy[BN_INDEX(t)];
        partialDy += g;
        partialDyX += g * (x[BN_INDEX(t)] - mean);
    }
    const real sumDy = group_sum(scratch, partialDy);
    const real sumDyXhat = group_sum(scratch, partialDyX) * invStd;
    if (lid == 0)
    {
        dBeta[channel] = sumDy;
        dGamma[channel] = sumDyXhat;
    }
    const real a = gamma[channel] * invStd;
    const real b = -a * invStd * sumDyXhat / (real)count;
    const real d = -a * sumDy / (real)count;
    for (int t = lid; t < count; t += REDUCE_SIZE)
        dx[BN_INDEX(t)] = dy[BN_INDEX(t)] * a + (x[BN_INDEX(t)] - mean) * b + d;
}
