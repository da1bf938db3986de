// Row-wise softmax and the fused softmax cross-entropy over logits [N, K]. K is the number of
// classes (a handful), so one work-item handles one row; the max is subtracted before exp so no
// logit can overflow (log-sum-exp).

__kernel void softmax_forward(__global const real* x, __global real* y, const int rows, const int k)
{
    const int row = get_global_id(0);
    if (row >= rows) return;
    __global const real* xr = x + row * k;
    __global real* yr = y + row * k;
    real top = xr[0];
    for (int j = 1; j < k; j++) top = fmax(top, xr[j]);
    real sum = 0;
    for (int j = 0; j < k; j++) { yr[j] = exp(xr[j] - top); sum += yr[j]; }
    const real inv = (real)1 / sum;
    for (int j = 0; j < k; j++) yr[j] *= inv;
}

// dx = y ⊙ (dy - Σ_k dy_k y_k).
__kernel void softmax_backward(__global const real* y, __global const real* dy, __global real* dx, const int rows, const int k)
{
    const int row = get_global_id(0);
    if (row >= rows) return;
    __global const real* yr = y + row * k;
    __global const real* dyr = dy + row * k;
    real dot = 0;
    for (int j = 0; j < k; j++) dot += dyr[j] * yr[j];
    for (int j = 0; j < k; j++) dx[row * k + j] = yr[j] * (dyr[j] - dot);
}

// Per row: loss_n = w_n (logsumexp(z_n) - z_n[label]) into rowLoss, and into rowHit 1 when the
// arg-max (first on ties) equals the label, 0 when not, -1 when the label is outside [0, K).
// Writes dLogits = w_n (softmax(z) - onehot) / N when hasGradient is set. w_n = classWeight[label]
// when hasClassWeight is set (Keras class_weight), else 1, which leaves every result bit-exact.
__kernel void cross_entropy_rows(__global const real* logits, __global const int* labels,
                                 __global real* dLogits, const int hasGradient,
                                 __global const real* classWeight, const int hasClassWeight,
                                 __global real* rowLoss, __global int* rowHit, const int rows, const int k)
{
    const int row = get_global_id(0);
    if (row >= rows) return;
    __global const real* z = logits + row * k;
    const int label = labels[row];
    if (label < 0 || label >= k)
    {
        rowLoss[row] = 0;
        rowHit[row] = -1;
        return;
    }
    int best = 0;
    real top = z[0];
    for (int j = 1; j < k; j++) if (z[j] > top) { top = z[j]; best = j; }
    real sumExp = 0;
    for (int j = 0; j < k; j++) sumExp += exp(z[j] - top);
    const real logSumExp = top + log(sumExp);
    const real weight = hasClassWeight ? classWeight[label] : (real)1;
    rowLoss[row] = weight * (logSumExp - z[label]);
    rowHit[row] = best == label ? 1 : 0;
    if (!hasGradient) return;
    const real scale = weight * ((real)1 / (real)rows);
    for (int j = 0; j < k; j++) dLogits[row * k + j] = exp(z[j] - logSumExp) * scale;
    dLogits[row * k + label] -= scale;
}

// One work-group of REDUCE_SIZE: result = {Σ loss, number of hits, number of bad labels}, the
// only numbers the host reads back after a training step.
__kernel void cross_entropy_total(__global const real* rowLoss, __global const int* rowHit, const int rows,
                                  __global real* result)
{
    __local real scratch[REDUCE_SIZE];
    real loss = 0, hits = 0, bad = 0;
    for (int t = get_local_id(0); t < rows; t += REDUCE_SIZE)
    {
        loss += rowLoss[t];
        hits += rowHit[t] == 1 ? (real)1 : (real)0;
        bad += rowHit[t] < 0 ? (real)1 : (real)0;
    }
    loss = group_sum(scratch, loss);
    hits = group_sum(scratch, hits);
    bad = group_sum(scratch, bad);
    if (get_local_id(0) == 0)
    {
        result[0] = loss;
        result[1] = hits;
        result[2] = bad;
    }
}
