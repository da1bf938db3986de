namespace NativeCnn.Tests.Support;

/// <summary>
/// A data set and a model small enough that a training command takes about a second: a folder per class with a
/// few real FER-2013 faces of three emotions, and a 16x16 CNN of a few hundred parameters.
/// </summary>
public static class TinyRun
{
    /// <summary>The model's classes, the data's folders.</summary>
    public static readonly string[] Classes = ["angry", "happy", "sad"];

    /// <summary>An architecture file: Conv2D(4, 3, same, relu), MaxPooling2D(2), Flatten, Dense(3, softmax) on 16x16x1.</summary>
    public const string Architecture = """
        { "name": "tiny", "input_shape": [16, 16, 1], "classes": ["angry", "happy", "sad"],
          "layers": [
            { "type": "Conv2D", "filters": 4, "kernel_size": 3, "padding": "same", "activation": "relu" },
            { "type": "MaxPooling2D", "pool_size": 2 }, { "type": "Flatten" },
            { "type": "Dense", "units": 3, "activation": "softmax" } ] }
        """;

    /// <summary>Writes the data (10 images per class, split 8 / 1 / 1 by the trainer) and the architecture into <paramref name="root"/>.</summary>
    /// <returns>The data folder and the architecture file.</returns>
    public static (string Data, string Model) Create(string root)
    {
        string data = Path.Combine(root, "data");
        foreach (string emotion in Classes)
        {
            Directory.CreateDirectory(Path.Combine(data, emotion));
            foreach (string file in Directory.GetFiles(Path.Combine(RepositoryPaths.Fer2013, "train", emotion)).Order().Take(10))
                File.Copy(file, Path.Combine(data, emotion, Path.GetFileName(file)));
        }
        string model = Path.Combine(root, "tiny.json");
        File.WriteAllText(model, Architecture);
        return (data, model);
    }

    /// <summary>The train command line for this data and model, with a cache folder under <paramref name="root"/>.</summary>
    public static string[] Train(string root, string data, string model, int epochs, string output) =>
        ["train", "--model", model, "--data", data, "--epochs", epochs.ToString(System.Globalization.CultureInfo.InvariantCulture),
         "--batch-size", "8", "--cache-dir", Path.Combine(root, "cache"), "--out", output];
}

/// <summary>A test class whose every test gets its own folder with <see cref="TinyRun"/>'s data and model, deleted afterwards.</summary>
public abstract class TinyRunTests
{
    /// <summary>The test's folder.</summary>
    protected string Root { get; private set; } = "";
    /// <summary>The folder-per-class data in it.</summary>
    protected string Data { get; private set; } = "";
    /// <summary>The architecture file in it.</summary>
    protected string Model { get; private set; } = "";

    [SetUp]
    public void CreateTinyRun()
    {
        Root = Path.Combine(Path.GetTempPath(), $"nativecnn-{GetType().Name}-{Guid.NewGuid():N}");
        (Data, Model) = TinyRun.Create(Root);
    }

    [TearDown]
    public void DeleteTinyRun() => Directory.Delete(Root, recursive: true);
}

/// <summary>The check every bad-input test makes of a command's result: exit code 1 and one line "error: ..." with no stack trace.</summary>
internal static class CliAssert
{
    public static void OneLineError((int ExitCode, string Out, string Error) result, params string[] expected)
    {
        Assert.That(result.ExitCode, Is.EqualTo(1), result.Error + result.Out);
        Assert.That(result.Error, Does.StartWith("error: "));
        Assert.That(result.Error.Trim().Split('\n'), Has.Length.EqualTo(1), "one line: " + result.Error);
        Assert.That(result.Error + result.Out, Does.Not.Contain("   at "), "no stack trace");
        Assert.That(result.Error, Does.Not.Contain("(Parameter '"), "no argument name of our code");
        foreach (string e in expected) Assert.That(result.Error, Does.Contain(e));
    }
}
