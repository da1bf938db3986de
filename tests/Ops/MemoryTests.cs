using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Ops;

/// <summary>Allocation, upload, download, fill and copy on every device, for every dtype.</summary>
[TestFixtureSource(typeof(TestDevices), nameof(TestDevices.All))]
public class MemoryTests(string device) : DeviceFixture(device)
{
    private static readonly int[] Lengths = [1, 7, 257, 70_001];

    [TestCaseSource(nameof(Lengths))]
    public void Fill_and_copy_cover_every_dtype(int n)
    {
        var f = Track(Device.Allocate(DType.Float32, n));
        Device.Fill(f, -2.5);
        Assert.That(Read<float>(f), Is.All.EqualTo(-2.5f));
        var i = Track(Device.Allocate(DType.Int32, n));
        Device.Fill(i, 7);
        Assert.That(Read<int>(i), Is.All.EqualTo(7));

        float[] data = RandomData.Floats(n, n);
        Device.Copy(Make(Device, data, n), f);
        Assert.That(Read<float>(f), Is.EqualTo(data));
        int[] ints = data.Select(v => (int)(v * 1000)).ToArray();
        Device.Copy(Make(Device, ints, n), i);
        Assert.That(Read<int>(i), Is.EqualTo(ints));

        RequireFloat64();
        double[] doubles = RandomData.Doubles(n, n);
        var d = Track(Device.Allocate(DType.Float64, n));
        Device.Copy(Make(Device, doubles, n), d);
        Assert.That(Read<double>(d), Is.EqualTo(doubles));
        Device.Fill(d, 0.1);
        Assert.That(Read<double>(d), Is.All.EqualTo(0.1));
    }

    /// <summary>The host arrays are pinned while a device copies them: a garbage collection during a copy must not
    /// leave the data at an array's old address (ilgpu-cpu once read back zeros after the 43rd step of a loop like this).</summary>
    [Test]
    public void Copies_to_and_from_fresh_host_arrays_survive_garbage_collections()
    {
        const int n = 20_000;
        var t = Track(Device.Allocate(DType.Float32, n));
        for (int i = 1; i <= 150; i++)
        {
            var up = new float[n];
            Array.Fill(up, i);
            Device.Upload<float>(t, up);
            var down = new float[n];
            Device.Download<float>(t, down);
            if (down[0] != i || down[n - 1] != i || down.Any(v => v != i)) Assert.Fail($"round {i}: read back {down[0]} ... {down[n - 1]}");
        }
    }

    [Test]
    public void Upload_and_download_reject_the_wrong_element_type_or_length()
    {
        var t = Track(Device.Allocate(DType.Float32, 4));
        Assert.Throws<ArgumentException>(() => Device.Upload<int>(t, new int[4]));
        Assert.Throws<ArgumentException>(() => Device.Upload<float>(t, new float[5]));
        Assert.Throws<ArgumentException>(() => Device.Download<float>(t, new float[3]));
        var other = Track(Device.Allocate(DType.Float32, 5));
        Assert.Throws<ArgumentException>(() => Device.Copy(t, other));
    }

    [Test]
    public void A_gpu_refuses_tensors_of_another_device()
    {
        if (!IsGpu) Assert.Ignore("host devices share host memory, so each can read the other's tensors");
        var foreign = Track(Oracle.Allocate(DType.Float32, 3));
        var local = Track(Device.Allocate(DType.Float32, 3));
        Assert.Throws<ArgumentException>(() => Device.ReluForward(foreign, local));
    }

    /// <summary>Asynchronous uploads land by FinishUploads while other work runs, the host span is free at once, and a
    /// tensor uploaded again waits for its previous copy (the pinned staging buffer is reused).</summary>
    [TestCaseSource(nameof(Lengths))]
    public void Asynchronous_uploads_land_by_finish(int n)
    {
        var pixels = Track(Device.Allocate(DType.Float32, n));
        var labels = Track(Device.Allocate(DType.Int32, n));
        var other = Track(Device.Allocate(DType.Float32, n));
        for (int round = 0; round < 3; round++)
        {
            float[] data = RandomData.Floats(n, 100 + round);
            int[] ints = data.Select(v => (int)(v * 1000)).ToArray();
            Device.UploadAsync<float>(pixels, data);
            Device.UploadAsync<int>(labels, ints);
            Array.Clear(data);
            Device.Fill(other, round);
            Device.FinishUploads();
            Assert.That(Read<float>(pixels), Is.EqualTo(RandomData.Floats(n, 100 + round)), $"round {round}: the host array was copied before it was cleared");
            Assert.That(Read<int>(labels), Is.EqualTo(ints));
            Assert.That(Read<float>(other), Is.All.EqualTo((float)round));
        }
        Assert.Throws<ArgumentException>(() => Device.UploadAsync<float>(pixels, new float[n + 1]));
        Device.FinishUploads();
    }
}
