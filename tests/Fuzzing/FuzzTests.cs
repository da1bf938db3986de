using NativeCnn.Bench.Fuzzing;
using NativeCnn.Engine.Models;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Fuzzing;

/// <summary>
/// The fuzzing harness (bench -- fuzz) as a test: a short seeded pass per format through the project's real readers finds
/// nothing (issue 15); and the harness itself tells crashes, unclear errors and over-budget allocations apart.
/// </summary>
public class FuzzTests
{
    private static readonly string SharedData = RepositoryPaths.SharedData;

    // A few hundred inputs per format: about a second or two each; bench -- fuzz --count 10000 is the long run (bench/RESULTS.md).
    [TestCase(FuzzFormat.Jpeg, 300)]
    [TestCase(FuzzFormat.Png, 300)]
    [TestCase(FuzzFormat.Webp, 200)]
    [TestCase(FuzzFormat.Csv, 300)]
    [TestCase(FuzzFormat.Legend, 300)]
    [TestCase(FuzzFormat.Safetensors, 300)]
    [TestCase(FuzzFormat.Architecture, 300)]
    public void A_seeded_pass_through_the_real_reader_finds_nothing(FuzzFormat format, int count)
    {
        var report = Fuzzer.Run(format, count, seed: 2026, SharedData, RepositoryPaths.Root, findingsFolder: null, TestContext.Out.WriteLine);
        TestContext.Out.WriteLine($"{format}: {report.Accepted} accepted, {report.Rejected} rejected, {report.Elapsed.TotalSeconds:0.0} s, "
            + $"slowest {report.Slowest.TotalMilliseconds:0} ms, most memory {report.MostMemory >> 20} MB");
        Assert.That(report.Findings.Select(f => $"{f.Kind}: input {f.Index} ({f.Mutation}): {f.Detail}"), Is.Empty);
        Assert.That(report.Accepted + report.Rejected, Is.EqualTo(count));
    }

    [Test]
    public void The_harness_reports_crashes_unclear_errors_and_over_budget_allocations()
    {
        var real = FuzzTarget.For(FuzzFormat.Architecture, SharedData, RepositoryPaths.Root);
        int calls = 0;
        var target = real with
        {
            Read = path =>
            {
                switch (calls++ % 4)
                {
                    case 0: throw new NullReferenceException();                                     // a crash
                    case 1: throw new ModelFormatException("the file is bad");                        // documented, but names no file
                    case 2: throw new ModelFormatException($"{path}: bad\n   at Somewhere()");       // documented, but two lines
                    default: GC.KeepAlive(new byte[Fuzzer.MemoryBudget + (1 << 20)]); break;     // over the memory budget
                }
            },
        };
        var report = Fuzzer.Run(target, 8, seed: 1, findingsFolder: null);
        Assert.That(report.Findings.Select(f => f.Kind), Is.EqualTo(new[] { "crash", "unclear", "unclear", "allocation", "crash", "unclear", "unclear", "allocation" }));
        Assert.That(report.Findings[0].Detail, Does.StartWith("NullReferenceException"));
        Assert.That((report.Accepted, report.Rejected), Is.EqualTo((0, 0)));
        Assert.That(Fuzzer.IsClear("Invalid safetensors file '/tmp/x/in-3.safetensors': the header is a JSON Array, not an object.", "/tmp/x/in-3.safetensors"), Is.True);
        Assert.That(Fuzzer.IsClear("Value out of range (Parameter 'width') in-3.png", "/tmp/in-3.png"), Is.False);
    }
}
