// Inverted dropout with a counter-based mask that matches NativeCnn.Engine.Random.Philox bit for
// bit: element i's uniform is word (i % 4) of Philox4x32-10 with counter (low 32 bits of i/4,
// high 32 bits of i/4, step, layerId) and key (low, high 32 bits of seed), mapped to
// (word >> 8) * 2^-24. One work-item per Philox block of four elements.

#define PHILOX_M0 0xD2511F53u
#define PHILOX_M1 0xCD9E8D57u
#define PHILOX_W0 0x9E3779B9u
#define PHILOX_W1 0xBB67AE85u

// Philox4x32-10 (Salmon et al. 2011), in place on the counter words c[0..3].
DEVICE_FN void philox4x32_10(uint* c, uint k0, uint k1)
{
    for (int round = 0; round < 10; round++)
    {
        if (round > 0) { k0 += PHILOX_W0; k1 += PHILOX_W1; }
        const uint hi0 = mul_hi(PHILOX_M0, c[0]), lo0 = PHILOX_M0 * c[0];
        const uint hi1 = mul_hi(PHILOX_M1, c[2]), lo1 = PHILOX_M1 * c[2];
        const uint c1 = c[1], c3 = c[3];
        c[0] = hi1 ^ c1 ^ k0;
        c[1] = lo1;
        c[2] = hi0 ^ c3 ^ k1;
        c[3] = lo0;
    }
}

// mask = 0 where the uniform is below rate (compared in float, as the CPU does), else keepScale = 1/(1 - rate); y = x * mask.
__kernel void dropout_forward(__global const real* x, __global real* y, __global real* mask, const int n,
                              const float rate, const real keepScale,
                              const uint seedLow, const uint seedHigh, const uint step, const uint layerId)
{
    const int block = get_global_id(0);
    if (block * 4 >= n) return;
    uint words[4];
    words[0] = (uint)block;
    words[1] = 0; // the block index fits 32 bits: tensors have fewer than 2^31 elements
    words[2] = step;
    words[3] = layerId;
    philox4x32_10(words, seedLow, seedHigh);
    for (int lane = 0; lane < 4; lane++)
    {
        const int i = block * 4 + lane;
        if (i >= n) break;
        const float u = (float)(words[lane] >> 8) * (1.0f / 16777216.0f);
        const real m = u < rate ? (real)0 : keepScale;
        mask[i] = m;
        y[i] = x[i] * m;
    }
}
