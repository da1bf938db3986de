using NativeCnn.Data;
using NativeCnn.Data.Batching;
using NUnit.Framework;

namespace NativeCnn.Tests.Data;

[TestFixture]
public sealed class BatchingTests
{
    /// <summary>10 images of 1x2x2 where every pixel of image i is 20 i (20 i / 255 as network input), label i % 3.</summary>
    private static LabeledImageSet TenImages()
    {
        var pixels = new byte[10 * 4];
        var labels = new int[10];
        for (int i = 0; i < 10; i++)
        {
            pixels.AsSpan(i * 4, 4).Fill((byte)(20 * i));
            labels[i] = i % 3;
        }
        return new LabeledImageSet(pixels, labels, 1, 2, 2, ["a", "b", "c"]);
    }

    [Test]
    public void SameSeedSameOrderDifferentSeedOrEpochDifferentOrder()
    {
        var s1 = new BatchSampler(1000, 32, seed: 11);
        var s2 = new BatchSampler(1000, 32, seed: 11);
        var s3 = new BatchSampler(1000, 32, seed: 12);
        Assert.That(s2.EpochOrder(0), Is.EqualTo(s1.EpochOrder(0)));
        Assert.That(s2.EpochOrder(5), Is.EqualTo(s1.EpochOrder(5)));
        Assert.That(s3.EpochOrder(0), Is.Not.EqualTo(s1.EpochOrder(0)));
        Assert.That(s1.EpochOrder(1), Is.Not.EqualTo(s1.EpochOrder(0)));
        Assert.That(new BatchSampler(5, 2, 1, shuffle: false).EpochOrder(3), Is.EqualTo(new[] { 0, 1, 2, 3, 4 }));
    }

    [Test]
    public void EverySampleExactlyOncePerEpoch()
    {
        var sampler = new BatchSampler(1000, 32, seed: 3);
        int[] order = sampler.EpochOrder(2);
        Assert.That(order.Order(), Is.EqualTo(Enumerable.Range(0, 1000)));
    }

    [Test]
    public void LastPartialBatchIsKeptOrDropped()
    {
        var keep = new BatchSampler(10, 4, seed: 1);
        Assert.That(keep.BatchesPerEpoch, Is.EqualTo(3));
        Assert.That(Enumerable.Range(0, 3).Select(keep.BatchLength), Is.EqualTo(new[] { 4, 4, 2 }));
        var drop = new BatchSampler(10, 4, seed: 1, dropLast: true);
        Assert.That(drop.BatchesPerEpoch, Is.EqualTo(2));
        Assert.That(drop.SamplesPerEpoch, Is.EqualTo(8));
    }

    [Test]
    public void PrefetcherDeliversTheSamplersOrderWithMatchingPixelsAndLabels()
    {
        LabeledImageSet data = TenImages();
        var sampler = new BatchSampler(10, 4, seed: 9);
        int[] expectedOrder = sampler.EpochOrder(1);

        var seen = new List<int>();
        var counts = new List<int>();
        using (var prefetcher = new Prefetcher(data, sampler, epoch: 1))
        {
            foreach (Batch batch in prefetcher)
            {
                counts.Add(batch.Count);
                for (int k = 0; k < batch.Count; k++)
                {
                    int index = batch.SampleIndices[k];
                    seen.Add(index);
                    Assert.That(batch.Labels[k], Is.EqualTo(index % 3));
                    Assert.That(batch.Pixels.Slice(k * 4, 4).ToArray(), Is.All.EqualTo(20 * index / 255f), "bytes become v / 255 when gathered");
                }
                Assert.That(batch.Pixels.Length, Is.EqualTo(batch.Count * 4));
            }
        }
        Assert.That(counts, Is.EqualTo(new[] { 4, 4, 2 }));
        Assert.That(seen, Is.EqualTo(expectedOrder));
    }

    [Test]
    public void PrefetcherRecyclesABoundedSetOfBuffers()
    {
        var data = TenImages();
        var sampler = new BatchSampler(10, 1, seed: 0);
        var distinct = new HashSet<float[]>(ReferenceEqualityComparer.Instance);
        using var prefetcher = new Prefetcher(data, sampler, 0, queueCapacity: 2);
        int n = 0;
        foreach (Batch batch in prefetcher)
        {
            distinct.Add(batch.PixelBuffer);
            n++;
        }
        Assert.That(n, Is.EqualTo(10));
        Assert.That(distinct.Count, Is.LessThanOrEqualTo(4));
    }

    [Test]
    public void ProducerExceptionReachesTheConsumerAfterEarlierBatches()
    {
        var data = TenImages();
        var sampler = new BatchSampler(10, 2, seed: 0);
        using var prefetcher = new Prefetcher(data, sampler, 0, transform: b =>
        {
            if (b.BatchIndex == 2)
            {
                throw new DatasetException("augmentation failed on purpose");
            }
        });
        var delivered = new List<int>();
        var ex = Assert.Throws<DatasetException>(() =>
        {
            foreach (Batch batch in prefetcher)
            {
                delivered.Add(batch.BatchIndex);
            }
        });
        Assert.That(ex!.Message, Is.EqualTo("augmentation failed on purpose"));
        Assert.That(delivered, Is.EqualTo(new[] { 0, 1 }));
    }

    [Test]
    public void DisposeMidEpochStopsTheThreadCleanly()
    {
        var data = TenImages();
        var sampler = new BatchSampler(10, 1, seed: 0);
        var prefetcher = new Prefetcher(data, sampler, 0, queueCapacity: 1);
        using (IEnumerator<Batch> e = prefetcher.GetEnumerator())
        {
            Assert.That(e.MoveNext(), Is.True);
        }
        var disposeTask = Task.Run(prefetcher.Dispose);
        Assert.That(disposeTask.Wait(TimeSpan.FromSeconds(5)), Is.True, "Dispose must not hang on a blocked producer");
        prefetcher.Dispose();
        Assert.Throws<InvalidOperationException>(() => prefetcher.GetEnumerator());
    }

    [Test]
    public void GatherFillsCallerBuffers()
    {
        var data = TenImages();
        var x = new float[3 * 4];
        var y = new int[3];
        BatchSampler.Gather(data, [7, 2, 9], x, y);
        Assert.That(y, Is.EqualTo(new[] { 1, 2, 0 }));
        Assert.That(x[0], Is.EqualTo(140 / 255f));
        Assert.That(x[4], Is.EqualTo(40 / 255f));
        Assert.That(x[8], Is.EqualTo(180 / 255f));
        Assert.Throws<ArgumentException>(() => BatchSampler.Gather(data, [1, 2, 3, 4], x, y));
    }
}
