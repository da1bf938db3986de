using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using NativeCnn.Tests.Support;

namespace NativeCnn.Tests.Samples;

/// <summary>
/// trainer/Samples/QuickStart, the README's library sample, built as a user would build it: against the
/// NativeCnn packages packed from this tree (a local feed, no project references), restored offline
/// (the feed plus the machine's NuGet package folder), then run on real FER-2013 images.
/// </summary>
public class QuickStartSampleTests
{
    private static readonly string Dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    [Test]
    [CancelAfter(600_000)]
    public void The_quick_start_sample_builds_against_the_packed_libraries_and_runs()
    {
        string root = Path.Combine(Path.GetTempPath(), "nativecnn-sample-" + Guid.NewGuid().ToString("N"));
        try
        {
            string feed = Path.Combine(root, "feed"), output = Path.Combine(root, "run");
            // A version of its own, so no copy of an older pack in a package cache can stand in for this one.
            string version = "0.0.0-sample." + DateTime.UtcNow.ToString("yyyyMMddHHmmss");
            Run(RepositoryPaths.Root, "build", "trainer/Library/NativeCnn.Training.csproj", "-c", "Release");
            foreach (string project in new[] { "engine/NativeCnn.Engine.csproj", "data/NativeCnn.Data.csproj", "trainer/Library/NativeCnn.Training.csproj" })
                Run(RepositoryPaths.Root, "pack", project, "-c", "Release", "--no-build", $"-p:Version={version}", "-o", feed);

            // The sample alone, outside the repository, as a user's project.
            string sample = Path.Combine(root, "QuickStart");
            Directory.CreateDirectory(sample);
            foreach (string file in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "trainer", "Samples", "QuickStart")))
                File.Copy(file, Path.Combine(sample, Path.GetFileName(file)));
            string globalPackages = Run(root, "nuget", "locals", "global-packages", "--list").Split(':', 2)[1].Trim();
            Run(sample, "build", "-c", "Release", "-o", Path.Combine(root, "bin"), $"-p:NativeCnnVersion={version}",
                "--source", feed, "--source", globalPackages, "--packages", Path.Combine(root, "packages"));

            string printed = Run(RepositoryPaths.Root, Path.Combine(root, "bin", "QuickStart.dll"), RepositoryPaths.Fer2013, output);
            TestContext.Out.WriteLine(printed);
            string[] lines = printed.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.That(lines[0], Is.EqualTo("model seed001-shallow: 4,743,943 parameters, layers conv2d_1 batch_normalization_1 activation_1 "
                + "max_pooling2d_1 dropout_1 conv2d_2 batch_normalization_2 activation_2 max_pooling2d_2 dropout_2 flatten_1 dense_1 "
                + "batch_normalization_3 activation_3 dropout_3 dense_2"));
            Assert.That(lines[1], Does.Match(@"^fit: 210 images, epoch 1 loss \d\.\d{3}, val_accuracy 0\.\d{3}$"));
            Assert.That(lines[2], Does.Match(@"^evaluate: 140 images, accuracy 0\.\d{3}, macro-F1 0\.\d{3}$"));
            Assert.That(lines[3], Does.Match(@"^predict: PrivateTest_\d+\.jpg: (\w+ 0\.\d{3}, ){2}\w+ 0\.\d{3}$"));
            Assert.That(lines[4], Does.StartWith($"export: {Path.Combine(output, "model.onnx")} ("));
            Assert.That(File.ReadAllLines(Path.Combine(output, "metrics.csv")), Has.Length.EqualTo(2), "header and one epoch");
            Assert.That(File.Exists(Path.Combine(output, "model.safetensors")), Is.True);
            using var session = new InferenceSession(Path.Combine(output, "model.onnx"));
            Assert.That(session.ModelMetadata.CustomMetadataMap["model"], Is.EqualTo("seed001-shallow"));
        }
        finally
        {
            if (Directory.Exists(root)) Directory.Delete(root, recursive: true);
        }
    }

    // Runs dotnet with the arguments in the folder; returns what it printed, failing the test with its output on a non-zero exit.
    private static string Run(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo(Dotnet) { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        // The test host's MSBuild settings belong to its own build, not to the builds started here.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.EqualTo(0), $"dotnet {string.Join(" ", arguments)}:\n{output}\n{error.Result}");
        return output;
    }
}
