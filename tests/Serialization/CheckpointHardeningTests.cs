using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Optimizers;
using NativeCnn.Engine.Serialization;
using NativeCnn.Engine.Tensors;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Serialization;

/// <summary>
/// Checkpoints of a diverged run and damaged metadata (issue 15, items 7, 8 and 11): a NaN weight is never written and never
/// loaded, malformed optimizer metadata names the file and the key, and the temporaries a killed write leaves are found by name.
/// </summary>
public class CheckpointHardeningTests
{
    private const string Architecture = """
        { "name": "small", "input_shape": [6, 6, 1], "classes": ["a", "b"],
          "layers": [ { "type": "Conv2D", "filters": 2, "kernel_size": 3 }, { "type": "Flatten" }, { "type": "Dense", "units": 2 } ] }
        """;

    private readonly CpuDevice _device = new();
    private string _dir = "";

    [SetUp]
    public void CreateDir() => Directory.CreateDirectory(_dir = Path.Combine(Path.GetTempPath(), "nativecnn-hard-" + Guid.NewGuid().ToString("N")));

    [TearDown]
    public void DeleteDir() => Directory.Delete(_dir, recursive: true);

    private Sequential Model() => Sequential.Build(ArchitectureSpec.Parse(Architecture, "small"), _device, seed: 2);

    // The file's tensors and metadata with one tensor's element or one metadata entry replaced.
    private static void Rewrite(string path, Func<SafeTensor, SafeTensor>? tensor = null, (string Key, string Value)? metadata = null)
    {
        var content = SafeTensorsFile.Read(path);
        var entries = content.Metadata.ToDictionary();
        if (metadata is { } m) entries[m.Key] = m.Value;
        SafeTensorsFile.Write(path, content.TensorsInOrder.Select(t => tensor?.Invoke(t) ?? t), entries);
    }

    [TestCase(float.NaN, "NaN")]
    [TestCase(float.PositiveInfinity, "Infinity")]
    public void A_checkpoint_with_a_non_finite_weight_is_refused_naming_the_file_and_tensor(float bad, string shown)
    {
        string path = Path.Combine(_dir, "model.safetensors");
        using (var model = Model()) Checkpoint.Save(path, model);
        Rewrite(path, t => t.Name != "dense_1.kernel" ? t : SafeTensor.FromFloats(t.Name, [.. t.Shape], [.. t.ToFloats()[..5], bad, .. t.ToFloats()[6..]]));
        var error = Assert.Throws<CheckpointFormatException>(() => Checkpoint.Load(path, _device))!;
        Assert.That(error.Message, Does.Contain(path).And.Contain($"tensor 'dense_1.kernel' holds {shown} at element 5").And.Contain("diverged"));
    }

    [Test]
    public void A_model_with_a_non_finite_weight_is_never_written_and_the_old_file_stays()
    {
        string path = Path.Combine(_dir, "model.safetensors");
        using var model = Model();
        Checkpoint.Save(path, model);
        byte[] good = File.ReadAllBytes(path);
        var kernel = model.FindParameter("conv2d_1.kernel")!.Value;
        float[] values = HostFloats.Read(kernel);
        values[3] = float.NaN;
        _device.Upload<float>(kernel, values);
        var error = Assert.Throws<ArgumentException>(() => Checkpoint.Save(path, model))!;
        Assert.That(error.Message, Does.Contain(path).And.Contain("tensor 'conv2d_1.kernel' holds NaN at element 3"));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(good), "the last good checkpoint is kept");
        Assert.That(Directory.GetFiles(_dir), Has.Length.EqualTo(1), "no temporary file is left");
    }

    [TestCase("""{"name": "adam", "iterations": "x"}""", "metadata 'optimizer' key 'iterations' must be an integer >= 0, got \"x\"")]
    [TestCase("""{"name": "adam", "iterations": -4}""", "metadata 'optimizer' key 'iterations' must be an integer >= 0, got -4")]
    [TestCase("""{"iterations": 3}""", "metadata 'optimizer' has no key 'name'")]
    [TestCase("""{"name": "adam", """, "metadata 'optimizer' is not valid JSON")]
    [TestCase("""[1, 2]""", "metadata 'optimizer' is a JSON Array, expected an object")]
    public void Malformed_optimizer_metadata_names_the_file_and_the_key(string json, string expected)
    {
        string path = Path.Combine(_dir, "last.safetensors");
        using var model = Model();
        using var adam = new Adam();
        adam.Step(model.Parameters);
        Checkpoint.Save(path, model, adam);
        Rewrite(path, metadata: ("optimizer", json));
        var content = SafeTensorsFile.Read(path);
        var error = Assert.Throws<CheckpointFormatException>(() => Checkpoint.RestoreOptimizer(path, content, model, adam))!;
        Assert.That(error.Message, Does.Contain(path).And.Contain(expected));
    }

    [Test]
    public void Stale_temporaries_are_removed_by_their_name_only()
    {
        string[] ours = [".model.safetensors.k2j4h5g6.x1z.tmp", ".report.md.abcdefgh.123.tmp"];
        string[] others = ["model.safetensors", ".notes.tmp", "x.abcdefgh.123.tmp", ".model.safetensors.tmp", ".a.abcdefgh.12.tmp"];
        foreach (string name in ours.Concat(others)) File.WriteAllText(Path.Combine(_dir, name), "x");
        var removed = AtomicFile.RemoveStaleTemporaries(_dir);
        Assert.That(removed.Select(Path.GetFileName), Is.EquivalentTo(ours));
        Assert.That(Directory.GetFiles(_dir).Select(Path.GetFileName), Is.EquivalentTo(others));
        // What Write itself names its temporaries matches the pattern.
        Assert.That(AtomicFile.IsTemporaryName($".model.safetensors.{Path.GetRandomFileName()}.tmp"), Is.True);
    }

    [Test]
    public void An_atomic_write_flushes_its_folder_and_a_missing_folder_is_a_clear_error()
    {
        string path = Path.Combine(_dir, "a.txt");
        AtomicFile.WriteAllText(path, "one");
        AtomicFile.WriteAllText(path, "two");
        Assert.That(File.ReadAllText(path), Is.EqualTo("two"));
        if (OperatingSystem.IsWindows()) Assert.Ignore("directories are not fsynced on Windows");
        Assert.That(() => PosixFiles.SyncDirectory(Path.Combine(_dir, "absent")), Throws.InstanceOf<IOException>().With.Message.Contains("absent"));
    }

    [Test]
    public void A_file_held_with_FileShare_None_can_still_be_read_for_its_owner()
    {
        if (OperatingSystem.IsWindows()) Assert.Ignore("Windows enforces share modes in the kernel");
        string path = Path.Combine(_dir, "lock");
        using var held = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        held.Write("process 42\n"u8);
        held.Flush();
        Assert.That(() => File.ReadAllText(path), Throws.InstanceOf<IOException>(), ".NET itself refuses to open it");
        Assert.That(PosixFiles.ReadTextIgnoringLocks(path), Is.EqualTo("process 42\n"));
    }
}
