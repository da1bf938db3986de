// Parameter updates, one work-item per parameter. Equations: Device.SgdUpdate and Device.AdamUpdate.

// Keras SGD: plain (hasVelocity = 0), momentum, or Nesterov momentum.
__kernel void sgd_update(__global real* p, __global const real* g, __global real* velocity, const int hasVelocity,
                         const int n, const real learningRate, const real momentum, const int nesterov)
{
    const int i = get_global_id(0);
    if (i >= n) return;
    const real step = learningRate * g[i];
    if (!hasVelocity)
    {
        p[i] -= step;
        return;
    }
    const real v = momentum * velocity[i] - step;
    velocity[i] = v;
    p[i] += nesterov ? momentum * v - step : v;
}

// Keras Adam with the bias corrections folded into alpha = lr √(1-β2^t)/(1-β1^t) by the host.
__kernel void adam_update(__global real* p, __global const real* g, __global real* m, __global real* v, const int n,
                          const real alpha, const real beta1, const real beta2, const real epsilon)
{
    const int i = get_global_id(0);
    if (i >= n) return;
    const real gi = g[i];
    const real mi = beta1 * m[i] + ((real)1 - beta1) * gi;
    const real vi = beta2 * v[i] + ((real)1 - beta2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    p[i] -= alpha * mi / (sqrt(vi) + epsilon);
}
