using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using NativeCnn.Engine.Serialization;
using NUnit.Framework;

namespace NativeCnn.Tests.Serialization;

[TestFixture]
public class SafeTensorsTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Path.Combine(Path.GetTempPath(), "nativecnn-safetensors-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    // ---------- round trips ----------

    [Test]
    public void RoundTrip_PreservesTensorsOrderDTypesShapesAndMetadata()
    {
        string path = PathOf("model.safetensors");
        float[] weights = [1.5f, -2.25f, float.Epsilon, float.MaxValue, float.NegativeInfinity, 0f];
        double[] doubles = [Math.PI, -0.0, 1e-300];
        int[] ints = [int.MinValue, -1, 0, 7, int.MaxValue, 42];
        var metadata = new Dictionary<string, string>
        {
            ["format"] = "pt",
            ["classes"] = "[\"angry\",\"happy\"]",
            ["note"] = "Ünïcødé ✓ 表情 😀",
        };

        SafeTensorsFile.Write(path,
        [
            SafeTensor.FromFloats("conv1.weight", [2, 3], weights),
            SafeTensor.FromDoubles("stats", [3], doubles),
            SafeTensor.FromInts("labels", [3, 1, 2], ints),
            SafeTensor.FromLongs("step", [], [123456789012L]),
            SafeTensor.FromFloats("empty", [0, 4], []),
        ], metadata);
        SafeTensorsContent read = SafeTensorsFile.Read(path);

        Assert.That(read.TensorsInOrder.Select(t => t.Name), Is.EqualTo(new[] { "conv1.weight", "stats", "labels", "step", "empty" }));
        Assert.That(read.Tensors["conv1.weight"].DType, Is.EqualTo(SafeTensorDType.F32));
        Assert.That(read.Tensors["conv1.weight"].Shape, Is.EqualTo(new[] { 2, 3 }));
        Assert.That(read.Tensors["conv1.weight"].ToFloats(), Is.EqualTo(weights));
        Assert.That(read.Tensors["stats"].ToDoubles(), Is.EqualTo(doubles));
        Assert.That(BitConverter.DoubleToInt64Bits(read.Tensors["stats"].ToDoubles()[1]), Is.EqualTo(BitConverter.DoubleToInt64Bits(-0.0)), "-0.0 keeps its sign bit");
        Assert.That(read.Tensors["labels"].Shape, Is.EqualTo(new[] { 3, 1, 2 }));
        Assert.That(read.Tensors["labels"].ToInts(), Is.EqualTo(ints));
        Assert.That(read.Tensors["step"].Shape, Is.Empty, "a scalar has an empty shape");
        Assert.That(read.Tensors["step"].ElementCount, Is.EqualTo(1));
        Assert.That(read.Tensors["step"].ToLongs(), Is.EqualTo(new[] { 123456789012L }));
        Assert.That(read.Tensors["empty"].ElementCount, Is.EqualTo(0));
        Assert.That(read.Tensors["empty"].ToFloats(), Is.Empty);
        Assert.That(read.Metadata, Is.EquivalentTo(metadata));
    }

    [Test]
    public void RoundTrip_NaNPayloadIsBitExact()
    {
        string path = PathOf("nan.safetensors");
        float nan = BitConverter.Int32BitsToSingle(0x7FC01234);
        SafeTensorsFile.Write(path, [SafeTensor.FromFloats("x", [1], [nan])]);

        float back = SafeTensorsFile.Read(path).Tensors["x"].ToFloats()[0];

        Assert.That(BitConverter.SingleToInt32Bits(back), Is.EqualTo(0x7FC01234));
    }

    [Test]
    public void RoundTrip_NoTensorsNoMetadata()
    {
        string path = PathOf("empty.safetensors");
        SafeTensorsFile.Write(path, []);

        SafeTensorsContent read = SafeTensorsFile.Read(path);

        Assert.That(read.Tensors, Is.Empty);
        Assert.That(read.Metadata, Is.Empty);
        // "{}" padded to 8 bytes: prefix 8 + header 8, no data.
        Assert.That(new FileInfo(path).Length, Is.EqualTo(16));
    }

    // ---------- byte layout against the spec ----------

    [Test]
    public void Write_TinyFile_HasExactSpecLayout()
    {
        string path = PathOf("tiny.safetensors");
        SafeTensorsFile.Write(path, [SafeTensor.FromFloats("a", [2], [1.0f, 2.0f])]);

        // The JSON is 54 bytes: {"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}
        // (5 + 15 + 12 + 20 + 2). Padded with 2 spaces to 56, the next multiple of 8.
        const string json = """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";
        Assert.That(json.Length, Is.EqualTo(54));
        byte[] expected =
        [
            56, 0, 0, 0, 0, 0, 0, 0,                       // u64 little-endian header length N = 56
            .. Encoding.UTF8.GetBytes(json), (byte)' ', (byte)' ',
            0x00, 0x00, 0x80, 0x3F,                        // 1.0f little-endian
            0x00, 0x00, 0x00, 0x40,                        // 2.0f little-endian
        ];

        Assert.That(File.ReadAllBytes(path), Is.EqualTo(expected));
    }

    [Test]
    public void Write_HeaderIsAlignedAndOffsetsAreContiguousInWriteOrder()
    {
        string path = PathOf("layout.safetensors");
        SafeTensorsFile.Write(path,
        [
            SafeTensor.FromDoubles("first", [3], [1, 2, 3]),   // 24 bytes at [0, 24]
            SafeTensor.FromInts("second", [2, 2], [1, 2, 3, 4]), // 16 bytes at [24, 40]
            SafeTensor.FromFloats("third", [], [5f]),           //  4 bytes at [40, 44]
        ], new Dictionary<string, string> { ["k"] = "v" });

        byte[] file = File.ReadAllBytes(path);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(file);
        Assert.That(n % 8, Is.EqualTo(0UL), "header padded to a multiple of 8");
        Assert.That((ulong)file.Length, Is.EqualTo(8 + n + 44));

        using JsonDocument header = JsonDocument.Parse(file.AsMemory(8, (int)n));
        string[] keys = header.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.That(keys, Is.EqualTo(new[] { "__metadata__", "first", "second", "third" }));
        Assert.That(Offsets(header, "first"), Is.EqualTo(new long[] { 0, 24 }));
        Assert.That(Offsets(header, "second"), Is.EqualTo(new long[] { 24, 40 }));
        Assert.That(Offsets(header, "third"), Is.EqualTo(new long[] { 40, 44 }));
        Assert.That(header.RootElement.GetProperty("third").GetProperty("shape").GetArrayLength(), Is.EqualTo(0));
        Assert.That(header.RootElement.GetProperty("second").GetProperty("dtype").GetString(), Is.EqualTo("I32"));
        // The padding is spaces, right after the JSON.
        Assert.That(file.AsSpan(8, (int)n).ToArray().Reverse().TakeWhile(b => b != (byte)'}'), Has.All.EqualTo((byte)' '));
        // "second" data starts at 8 + n + 24: little-endian int 1.
        Assert.That(BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan((int)n + 8 + 24)), Is.EqualTo(1));

        static long[] Offsets(JsonDocument doc, string name) =>
            doc.RootElement.GetProperty(name).GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()).ToArray();
    }

    [Test]
    public void Read_AcceptsForeignHeaderOrderAndExtraKeys()
    {
        // Data order differs from header order (the Python writer sorts by dtype); the reader
        // returns tensors in data order. Unknown keys in an entry are ignored.
        string path = WriteRaw("foreign.safetensors",
            """{"b":{"dtype":"I32","shape":[1],"data_offsets":[4,8],"extra":1},"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""",
            [0, 0, 0x80, 0x3F, 7, 0, 0, 0]);

        SafeTensorsContent read = SafeTensorsFile.Read(path);

        Assert.That(read.TensorsInOrder.Select(t => t.Name), Is.EqualTo(new[] { "a", "b" }));
        Assert.That(read.Tensors["a"].ToFloats(), Is.EqualTo(new[] { 1f }));
        Assert.That(read.Tensors["b"].ToInts(), Is.EqualTo(new[] { 7 }));
    }

    // ---------- corrupt files ----------

    private const string OneF32 = """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";

    private static IEnumerable<TestCaseData> CorruptHeaders()
    {
        byte[] eight = new byte[8];
        byte[] twelve = new byte[12];
        yield return new TestCaseData("not json {", eight, "not valid JSON").SetName("header is not JSON");
        yield return new TestCaseData("[1, 2]", eight, "not an object").SetName("header is an array");
        yield return new TestCaseData("""{"a":{"dtype":"F128","shape":[2],"data_offsets":[0,8]}}""", eight, "unknown dtype 'F128'").SetName("unknown dtype");
        yield return new TestCaseData("""{"a":{"dtype":"f32","shape":[2],"data_offsets":[0,8]}}""", eight, "unknown dtype 'f32'").SetName("dtype is case-sensitive");
        yield return new TestCaseData("""{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", eight, "needs 12 bytes").SetName("shape does not match offsets");
        yield return new TestCaseData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""", new byte[4], "beyond the 4-byte data buffer").SetName("offsets out of range");
        yield return new TestCaseData("""{"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}}""", eight, "end before they begin").SetName("offsets reversed");
        yield return new TestCaseData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}""", twelve, "overlaps tensor 'a'").SetName("overlapping tensors");
        yield return new TestCaseData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}}""", twelve, "belong to no tensor").SetName("gap between tensors");
        yield return new TestCaseData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", eight, "trailing bytes").SetName("trailing bytes");
        yield return new TestCaseData("""{"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}}""", eight, "not a non-negative 32-bit integer").SetName("negative dimension");
        yield return new TestCaseData("""{"a":{"dtype":"F32","shape":[2.5],"data_offsets":[0,8]}}""", eight, "not a non-negative 32-bit integer").SetName("fractional dimension");
        yield return new TestCaseData("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0]}}""", eight, "\"data_offsets\" array of two integers").SetName("one offset");
        yield return new TestCaseData("""{"a":{"dtype":"F32","data_offsets":[0,8]}}""", eight, "no \"shape\" array").SetName("missing shape");
        yield return new TestCaseData("""{"a":{"shape":[2],"data_offsets":[0,8]}}""", eight, "no string \"dtype\"").SetName("missing dtype");
        yield return new TestCaseData("""{"a":[1,2]}""", eight, "is a JSON Array, not an object").SetName("entry is not an object");
        yield return new TestCaseData("""{"__metadata__":{"epochs":12}}""", Array.Empty<byte>(), "metadata value 'epochs'").SetName("metadata value is a number");
        yield return new TestCaseData("""{"__metadata__":["x"]}""", Array.Empty<byte>(), "'__metadata__' is a JSON Array").SetName("metadata is not an object");
        yield return new TestCaseData("""{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", eight, "key 'a' twice").SetName("duplicate tensor names");
        yield return new TestCaseData("""{"__metadata__":{"k":"1","k":"2"}}""", Array.Empty<byte>(), "metadata key 'k' appears twice").SetName("duplicate metadata keys");
    }

    [TestCaseSource(nameof(CorruptHeaders))]
    public void Read_CorruptHeader_ThrowsNamingFileAndProblem(string header, byte[] data, string problem)
    {
        string path = WriteRaw("corrupt.safetensors", header, data);

        Assert.That(() => SafeTensorsFile.Read(path),
            Throws.TypeOf<CheckpointFormatException>()
                .With.Message.Contains(path)
                .And.Message.Contains(problem)
                .And.Property(nameof(CheckpointFormatException.FilePath)).EqualTo(path));
    }

    [Test]
    public void Read_FileShorterThanLengthPrefix_Throws()
    {
        string path = PathOf("short.safetensors");
        File.WriteAllBytes(path, [1, 2, 3, 4, 5]);

        Assert.That(() => SafeTensorsFile.Read(path),
            Throws.TypeOf<CheckpointFormatException>().With.Message.Contains(path).And.Message.Contains("shorter than the 8-byte"));
    }

    [Test]
    public void Read_HeaderLengthLargerThanFile_Throws()
    {
        string path = WriteRaw("long.safetensors", OneF32, new byte[8], headerLengthOverride: 1000);

        Assert.That(() => SafeTensorsFile.Read(path),
            Throws.TypeOf<CheckpointFormatException>().With.Message.Contains(path).And.Message.Contains("header length 1000 is larger"));
    }

    [Test]
    public void Read_HugeHeaderLength_ThrowsWithoutAllocating()
    {
        string path = WriteRaw("huge.safetensors", OneF32, new byte[8], headerLengthOverride: ulong.MaxValue);

        Assert.That(() => SafeTensorsFile.Read(path),
            Throws.TypeOf<CheckpointFormatException>().With.Message.Contains("is larger than"));
    }

    [Test]
    public void Read_HeaderNotUtf8_Throws()
    {
        string path = PathOf("latin1.safetensors");
        byte[] header = [(byte)'{', (byte)'"', 0xFF, 0xFE, (byte)'"', (byte)':', (byte)'1', (byte)'}'];
        File.WriteAllBytes(path, [.. BitConverter.GetBytes(8UL), .. header]);

        Assert.That(() => SafeTensorsFile.Read(path),
            Throws.TypeOf<CheckpointFormatException>().With.Message.Contains(path).And.Message.Contains("invalid UTF-8"));
    }

    [Test]
    public void Read_MissingFile_ThrowsFileNotFoundNamingPath()
    {
        string path = PathOf("absent.safetensors");

        Assert.That(() => SafeTensorsFile.Read(path),
            Throws.TypeOf<FileNotFoundException>().With.Message.Contains(path).And.Property("FileName").EqualTo(path));
    }

    // ---------- atomic writes ----------

    [Test]
    public void Write_OverExistingFile_ReplacesItAndLeavesNoTempFile()
    {
        string path = PathOf("ckpt.safetensors");
        SafeTensorsFile.Write(path, [SafeTensor.FromFloats("w", [1], [1f])]);
        SafeTensorsFile.Write(path, [SafeTensor.FromFloats("w", [2], [2f, 3f])]);

        Assert.That(SafeTensorsFile.Read(path).Tensors["w"].ToFloats(), Is.EqualTo(new[] { 2f, 3f }));
        Assert.That(Directory.GetFiles(_dir), Is.EqualTo(new[] { path }));
    }

    [Test]
    public void Write_DuplicateNames_FailsBeforeTouchingExistingFile()
    {
        string path = ExistingCheckpoint(out byte[] before);

        Assert.That(() => SafeTensorsFile.Write(path, [SafeTensor.FromFloats("x", [1], [1f]), SafeTensor.FromFloats("x", [1], [2f])]),
            Throws.ArgumentException.With.Message.Contains("'x'"));
        AssertUntouched(path, before);
    }

    [Test]
    public void Write_NullMetadataValue_FailsBeforeTouchingExistingFile()
    {
        string path = ExistingCheckpoint(out byte[] before);
        var metadata = new Dictionary<string, string> { ["k"] = null! };

        Assert.That(() => SafeTensorsFile.Write(path, [SafeTensor.FromFloats("x", [1], [1f])], metadata), Throws.ArgumentException);
        AssertUntouched(path, before);
    }

    [Test]
    public void Write_EnumerationFails_LeavesExistingFileIntact()
    {
        string path = ExistingCheckpoint(out byte[] before);

        Assert.That(() => SafeTensorsFile.Write(path, FailingTensors()), Throws.InvalidOperationException);
        AssertUntouched(path, before);

        static IEnumerable<SafeTensor> FailingTensors()
        {
            yield return SafeTensor.FromFloats("ok", [1], [1f]);
            throw new InvalidOperationException("producer failed");
        }
    }

    [Test]
    public void Write_DirectoryDoesNotExist_ThrowsAndCreatesNothing()
    {
        string path = Path.Combine(_dir, "missing", "ckpt.safetensors");

        Assert.That(() => SafeTensorsFile.Write(path, [SafeTensor.FromFloats("x", [1], [1f])]),
            Throws.TypeOf<DirectoryNotFoundException>().With.Message.Contains("missing"));
        Assert.That(Directory.GetFileSystemEntries(_dir), Is.Empty);
    }

    [Test]
    public void Write_RenameFails_DeletesTempFileAndKeepsTarget()
    {
        // A directory at the target path makes the final rename fail after the temp file was
        // fully written, exercising the clean-up path.
        string path = PathOf("occupied");
        Directory.CreateDirectory(path);
        File.WriteAllText(Path.Combine(path, "keep.txt"), "keep");

        Assert.That(() => SafeTensorsFile.Write(path, [SafeTensor.FromFloats("x", [1], [1f])]),
            Throws.InstanceOf<IOException>().Or.InstanceOf<UnauthorizedAccessException>());
        Assert.That(Directory.GetFileSystemEntries(_dir), Is.EqualTo(new[] { path }), "no temp file left behind");
        Assert.That(File.ReadAllText(Path.Combine(path, "keep.txt")), Is.EqualTo("keep"));
    }

    // ---------- tensor construction ----------

    [Test]
    public void SafeTensor_DataLengthMismatch_Throws()
    {
        Assert.That(() => new SafeTensor("w", SafeTensorDType.F32, [2, 2], new byte[12]),
            Throws.ArgumentException.With.Message.Contains("needs 16 bytes but has 12"));
        Assert.That(() => SafeTensor.FromFloats("w", [3], [1f, 2f]), Throws.ArgumentException);
        Assert.That(() => SafeTensor.FromFloats("w", [-1], []), Throws.ArgumentException);
        Assert.That(() => SafeTensor.FromFloats("__metadata__", [1], [1f]), Throws.ArgumentException);
        Assert.That(() => SafeTensor.FromFloats("", [1], [1f]), Throws.ArgumentException);
    }

    [Test]
    public void SafeTensor_WrongDTypeConversion_Throws()
    {
        SafeTensor t = SafeTensor.FromInts("i", [1], [1]);

        Assert.That(() => t.ToFloats(), Throws.InvalidOperationException.With.Message.Contains("I32"));
    }

    [TestCase(SafeTensorDType.Bool, "BOOL", 1)]
    [TestCase(SafeTensorDType.F8E4M3, "F8_E4M3", 1)]
    [TestCase(SafeTensorDType.F8E5M2, "F8_E5M2", 1)]
    [TestCase(SafeTensorDType.BF16, "BF16", 2)]
    [TestCase(SafeTensorDType.F16, "F16", 2)]
    [TestCase(SafeTensorDType.U32, "U32", 4)]
    [TestCase(SafeTensorDType.F64, "F64", 8)]
    [TestCase(SafeTensorDType.I64, "I64", 8)]
    public void DType_HeaderNameAndSize_FollowSpec(SafeTensorDType dtype, string name, int size)
    {
        Assert.That(dtype.HeaderName(), Is.EqualTo(name));
        Assert.That(dtype.ElementSize(), Is.EqualTo(size));
        Assert.That(SafeTensorDTypeExtensions.TryParseHeaderName(name, out SafeTensorDType parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(dtype));
    }

    [Test]
    public void RawDType_RoundTripsBytes()
    {
        string path = PathOf("bf16.safetensors");
        byte[] bits = [0x80, 0x3F, 0x00, 0x40]; // bfloat16 1.0 and 2.0
        SafeTensorsFile.Write(path, [new SafeTensor("h", SafeTensorDType.BF16, [2], bits)]);

        SafeTensor read = SafeTensorsFile.Read(path).Tensors["h"];

        Assert.That(read.DType, Is.EqualTo(SafeTensorDType.BF16));
        Assert.That(read.Data.ToArray(), Is.EqualTo(bits));
    }

    // ---------- helpers ----------

    /// <summary>Writes a file by hand: length prefix, header text padded to 8, then data.</summary>
    private string WriteRaw(string name, string header, byte[] data, ulong? headerLengthOverride = null)
    {
        byte[] headerBytes = Encoding.UTF8.GetBytes(header);
        int padded = (headerBytes.Length + 7) / 8 * 8;
        Array.Resize(ref headerBytes, padded);
        for (int i = Encoding.UTF8.GetByteCount(header); i < padded; i++)
            headerBytes[i] = (byte)' ';
        var prefix = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, headerLengthOverride ?? (ulong)padded);
        string path = PathOf(name);
        File.WriteAllBytes(path, [.. prefix, .. headerBytes, .. data]);
        return path;
    }

    private string ExistingCheckpoint(out byte[] contents)
    {
        string path = PathOf("existing.safetensors");
        SafeTensorsFile.Write(path, [SafeTensor.FromFloats("old", [2], [4f, 5f])], new Dictionary<string, string> { ["v"] = "1" });
        contents = File.ReadAllBytes(path);
        return path;
    }

    private void AssertUntouched(string path, byte[] before)
    {
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(before), "existing file unchanged");
        Assert.That(Directory.GetFileSystemEntries(_dir), Is.EqualTo(new[] { path }), "no temp file left behind");
    }
}
