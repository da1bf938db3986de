using System.Collections;
using System.Runtime.ExceptionServices;

namespace NativeCnn.Data.Batching;

/// <summary>
/// Assembles the batches of one epoch on a background thread, up to <c>queueCapacity</c> ahead
/// of the consumer, so gathering (and an optional transform such as augmentation) overlaps
/// training. Enumerate it once with foreach; dispose it when done.
/// </summary>
/// <remarks>
/// <para>Memory: queueCapacity + 2 <see cref="Batch"/> objects are allocated up front (queued,
/// held by the consumer, being filled) and recycled; nothing is allocated per batch.</para>
/// <para>Lifetime: see <see cref="Batch"/>: a batch is returned to the pool when the consumer
/// moves to the next one.</para>
/// <para>Errors: if gathering or the transform throws, the batches completed before it are still
/// delivered, then the consumer's MoveNext rethrows the original exception (stack preserved).</para>
/// <para>Dispose stops the producer (it finishes at most the batch it is filling) and joins the
/// thread; it is safe to dispose mid-epoch or more than once.</para>
/// </remarks>
public sealed class Prefetcher : IEnumerable<Batch>, IDisposable
{
    private readonly LabeledImageSet data;
    private readonly BatchSampler sampler;
    private readonly int epoch;
    private readonly int queueCapacity;
    private readonly Action<Batch>? transform;
    private readonly object gate = new();
    private readonly Queue<Batch> ready;
    private readonly Stack<Batch> free;
    private readonly Thread thread;
    private bool producerDone;
    private bool stopping;
    private bool enumerated;
    private Exception? producerError;

    /// <summary>Starts producing epoch <paramref name="epoch"/>'s batches at once.</summary>
    /// <param name="data">The samples.</param>
    /// <param name="sampler">Batch order; its Count must equal data.Count.</param>
    /// <param name="epoch">Which epoch's shuffle to use.</param>
    /// <param name="queueCapacity">How many finished batches may wait for the consumer, &gt; 0. Default 2.</param>
    /// <param name="transform">Optional in-place change to each batch (e.g. augmentation), run on the producer thread.</param>
    /// <exception cref="ArgumentException">sampler.Count differs from data.Count.</exception>
    /// <exception cref="ArgumentOutOfRangeException">queueCapacity is not positive.</exception>
    public Prefetcher(LabeledImageSet data, BatchSampler sampler, int epoch, int queueCapacity = 2, Action<Batch>? transform = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(sampler);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(queueCapacity);
        if (sampler.Count != data.Count)
        {
            throw new ArgumentException($"sampler covers {sampler.Count} samples, the dataset has {data.Count}.", nameof(sampler));
        }
        this.data = data;
        this.sampler = sampler;
        this.epoch = epoch;
        this.queueCapacity = queueCapacity;
        this.transform = transform;
        ready = new Queue<Batch>(queueCapacity);
        free = new Stack<Batch>(queueCapacity + 2);
        for (int i = 0; i < queueCapacity + 2; i++)
        {
            free.Push(new Batch(sampler.BatchSize, data.SampleSize));
        }
        thread = new Thread(Produce) { IsBackground = true, Name = "NativeCnn batch prefetch" };
        thread.Start();
    }

    /// <summary>Batches in this epoch.</summary>
    public int BatchCount => sampler.BatchesPerEpoch;

    /// <summary>Returns the single enumerator of this epoch.</summary>
    /// <returns>An enumerator yielding each batch once, in order.</returns>
    /// <exception cref="InvalidOperationException">Called a second time: an epoch can be consumed only once.</exception>
    public IEnumerator<Batch> GetEnumerator()
    {
        lock (gate)
        {
            if (enumerated)
            {
                throw new InvalidOperationException("A Prefetcher yields its epoch once; create a new one for the next epoch.");
            }
            enumerated = true;
        }
        return new Enumerator(this);
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Stops the producer thread and waits for it to exit.</summary>
    public void Dispose()
    {
        lock (gate)
        {
            stopping = true;
            Monitor.PulseAll(gate);
        }
        thread.Join();
    }

    private void Produce()
    {
        try
        {
            var order = new int[sampler.Count];
            sampler.FillEpochOrder(epoch, order);
            for (int b = 0; b < sampler.BatchesPerEpoch; b++)
            {
                Batch batch;
                lock (gate)
                {
                    while (!stopping && (free.Count == 0 || ready.Count >= queueCapacity))
                    {
                        Monitor.Wait(gate);
                    }
                    if (stopping)
                    {
                        return;
                    }
                    batch = free.Pop();
                }

                int count = sampler.BatchLength(b);
                ReadOnlySpan<int> indices = order.AsSpan(b * sampler.BatchSize, count);
                BatchSampler.Gather(data, indices, batch.PixelBuffer, batch.LabelBuffer);
                indices.CopyTo(batch.IndexBuffer);
                batch.Count = count;
                batch.BatchIndex = b;
                transform?.Invoke(batch);

                lock (gate)
                {
                    ready.Enqueue(batch);
                    Monitor.PulseAll(gate);
                }
            }
        }
        catch (Exception ex)
        {
            // Handed to the consumer rather than lost on this thread (an unhandled exception here would kill the process).
            lock (gate)
            {
                producerError = ex;
            }
        }
        finally
        {
            lock (gate)
            {
                producerDone = true;
                Monitor.PulseAll(gate);
            }
        }
    }

    private sealed class Enumerator(Prefetcher owner) : IEnumerator<Batch>
    {
        private Batch? current;

        public Batch Current => current ?? throw new InvalidOperationException("No current batch: call MoveNext first.");

        object IEnumerator.Current => Current;

        public bool MoveNext()
        {
            lock (owner.gate)
            {
                Recycle();
                while (owner.ready.Count == 0 && !owner.producerDone && !owner.stopping)
                {
                    Monitor.Wait(owner.gate);
                }
                if (owner.ready.Count > 0)
                {
                    current = owner.ready.Dequeue();
                    Monitor.PulseAll(owner.gate);
                    return true;
                }
                if (owner.producerError is { } error)
                {
                    ExceptionDispatchInfo.Throw(error);
                }
                if (owner.stopping)
                {
                    throw new ObjectDisposedException(nameof(Prefetcher));
                }
                return false;
            }
        }

        public void Reset() => throw new NotSupportedException("A Prefetcher epoch cannot be restarted; create a new one.");

        public void Dispose()
        {
            lock (owner.gate)
            {
                Recycle();
            }
        }

        private void Recycle()
        {
            if (current is not null)
            {
                owner.free.Push(current);
                current = null;
                Monitor.PulseAll(owner.gate);
            }
        }
    }
}
