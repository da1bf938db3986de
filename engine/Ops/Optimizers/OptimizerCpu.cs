using NativeCnn.Engine.Devices.Cpu;
using System.Numerics;
using System.Runtime.Intrinsics;

namespace NativeCnn.Engine.Ops;

/// <summary>
/// The SGD and Adam updates on the CPU: one vectorised pass over each parameter and its state, split over the cores
/// (equations: <see cref="OptimizerReference"/>).
/// </summary>
internal static unsafe class OptimizerCpu
{
    private const int MinPerWorker = 1 << 15;

    public static void Adam<T>(T* p, T* g, T* m, T* v, long length, T learningRate, T beta1, T beta2, T epsilon, long t)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T alpha = OptimizerReference.AdamStepSize(learningRate, beta1, beta2, t);
        T oneMinusBeta1 = T.One - beta1, oneMinusBeta2 = T.One - beta2;
        CpuParallel.For(checked((int)length), MinPerWorker, (start, end) =>
        {
            int i = start;
            var b1 = Vector512.Create(beta1); var b2 = Vector512.Create(beta2);
            var c1 = Vector512.Create(oneMinusBeta1); var c2 = Vector512.Create(oneMinusBeta2);
            var a = Vector512.Create(alpha); var e = Vector512.Create(epsilon);
            for (; i <= end - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var gi = Vector512.Load(g + i);
                var mi = VectorMath.Fma(b1, Vector512.Load(m + i), c1 * gi);
                var vi = VectorMath.Fma(b2, Vector512.Load(v + i), c2 * gi * gi);
                Vector512.Store(mi, m + i);
                Vector512.Store(vi, v + i);
                Vector512.Store(Vector512.Load(p + i) - a * mi / (Vector512.Sqrt(vi) + e), p + i);
            }
            for (; i < end; i++)
            {
                m[i] = beta1 * m[i] + oneMinusBeta1 * g[i];
                v[i] = beta2 * v[i] + oneMinusBeta2 * g[i] * g[i];
                p[i] -= alpha * m[i] / (T.Sqrt(v[i]) + epsilon);
            }
        });
    }

    public static void Sgd<T>(T* p, T* g, T* velocity, long length, T learningRate, T momentum, bool nesterov)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CpuParallel.For(checked((int)length), MinPerWorker, (start, end) =>
        {
            int i = start;
            var lr = Vector512.Create(learningRate); var mu = Vector512.Create(momentum);
            if (velocity == null)
            {
                for (; i <= end - Vector512<T>.Count; i += Vector512<T>.Count)
                    Vector512.Store(Vector512.Load(p + i) - lr * Vector512.Load(g + i), p + i);
                for (; i < end; i++) p[i] -= learningRate * g[i];
                return;
            }
            for (; i <= end - Vector512<T>.Count; i += Vector512<T>.Count)
            {
                var step = lr * Vector512.Load(g + i);
                var vi = mu * Vector512.Load(velocity + i) - step;
                Vector512.Store(vi, velocity + i);
                Vector512.Store(Vector512.Load(p + i) + (nesterov ? mu * vi - step : vi), p + i);
            }
            for (; i < end; i++)
            {
                T step = learningRate * g[i];
                velocity[i] = momentum * velocity[i] - step;
                p[i] += nesterov ? momentum * velocity[i] - step : velocity[i];
            }
        });
    }
}
