using NativeCnn.Data;
using NativeCnn.Data.Fer2013;
using NativeCnn.Data.Imaging;
using NativeCnn.Data.Folders;
using NativeCnn.Data.Muxspace;
using NativeCnn.Data.Splits;

namespace NativeCnn.Training;

/// <summary>
/// The three parts a run needs. FER-2013 brings its own (Training, PublicTest, PrivateTest);
/// other data sets are split here, stratified and seeded, 80 / 10 / 10.
/// </summary>
/// <param name="Train">Training images.</param>
/// <param name="Validation">Model selection (best epoch, schedules, early stopping).</param>
/// <param name="Test">Reported once at the end.</param>
/// <param name="ValidationName">Name of the validation part (public-test for FER-2013).</param>
/// <param name="TestName">Name of the test part (private-test for FER-2013).</param>
public sealed record TrainingData(LabeledImageSet Train, LabeledImageSet Validation, LabeledImageSet Test, string ValidationName, string TestName)
{
    /// <summary>The names <see cref="Part"/> accepts.</summary>
    public static readonly IReadOnlyList<string> PartNames = ["train", "validation", "public-test", "test", "private-test", "all"];

    /// <summary>Every image of the data set: train, validation and test together (for a set collected elsewhere, scored as a whole).</summary>
    public LabeledImageSet All => ImageSets.Concatenate(Train, Validation, Test);

    /// <summary>A part by name: train, validation / public-test, test / private-test, or all.</summary>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public LabeledImageSet Part(string name) => name switch
    {
        "train" => Train,
        "validation" or "public-test" => Validation,
        "test" or "private-test" => Test,
        "all" => All,
        _ => throw new ArgumentException($"unknown split '{name}'; expected train, validation (public-test), test (private-test) or all"),
    };
}

/// <summary>
/// Loads a data set from a path, recognising its kind: a .csv file is fer2013.csv; a folder with
/// legend.csv is muxspace; a folder with train/ and test/ is FER-2013's Kaggle layout; any other
/// folder is one sub-folder per class (Keras flow_from_directory). When the model knows fewer
/// classes than the data (seed004's happy / sad / neutral / surprise), only those are kept,
/// relabelled in the model's order. For scoring a set collected elsewhere, the data may also lack
/// some of the model's classes (see <see cref="ClassMatch"/>).
/// </summary>
public static class DatasetLoader
{
    /// <summary>Seed of the 80/10/10 split for data sets without one; fixed so train and evaluate agree.</summary>
    public const int SplitSeed = 20131;

    /// <summary>Loads <paramref name="path"/> at the model's input size and matches its classes to <paramref name="classes"/>.</summary>
    /// <param name="path">A FER-2013 folder (train/ and test/) or fer2013.csv, a muxspace folder (legend.csv and images/), or a folder with one sub-folder per class.</param>
    /// <param name="inputShapeHwc">The model's input [height, width, channels]; images are resized to it.</param>
    /// <param name="classes">The model's classes in label order.</param>
    /// <param name="log">Receives one line per step (decoded or cached, skipped files, class selection, part sizes, a cache that could not be written).</param>
    /// <param name="match">Whether the data must hold every class of the model (training) or may lack some (scoring).</param>
    /// <param name="cacheDirectory">Decoded-dataset cache folder, or null for <see cref="NativeCnn.Data.Caching.DatasetCache.DefaultDirectory"/>.</param>
    /// <param name="maxImagePixels">Largest image (width x height) decoded; a larger one is refused after its header is read (<see cref="ReadOptions.MaxImagePixels"/>).</param>
    /// <exception cref="DatasetException">The data is missing or malformed (the message names the file).</exception>
    /// <exception cref="TrainingException">The model is not grayscale, or its classes do not match the data's (checked before any image is decoded).</exception>
    public static TrainingData Load(string path, int[] inputShapeHwc, IReadOnlyList<string> classes, Action<string> log, ClassMatch match = ClassMatch.Every,
        string? cacheDirectory = null, long maxImagePixels = GrayImageDecoder.DefaultMaxPixels)
    {
        if (inputShapeHwc[2] != 1)
            throw new TrainingException($"the model expects {inputShapeHwc[2]} channels; NativeCnn's readers produce grayscale (1 channel)");
        var kind = KindOf(path);
        CheckClasses(ClassNames(path, kind), classes, match);
        var options = new ReadOptions
        {
            Height = inputShapeHwc[0],
            Width = inputShapeHwc[1],
            AllowResize = inputShapeHwc[0] != Fer2013Classes.ImageSize || inputShapeHwc[1] != Fer2013Classes.ImageSize,
            CacheDirectory = cacheDirectory,
            MaxImagePixels = maxImagePixels,
        };
        TrainingData data;
        switch (kind)
        {
            case DataKind.Fer2013Csv:
                data = FromFer(Fer2013CsvReader.Load(path, strict: false, options), log);
                break;
            case DataKind.Muxspace:
                var mux = MuxspaceReader.Load(path, options, out var muxReport);
                log($"{mux.Report}; {Describe(muxReport)}");
                foreach (var issue in mux.Report.IssuesOf(MuxspaceIssueKind.MisnamedFormat)) log($"note: {issue}");
                data = Split(mux.Images);
                break;
            case DataKind.Fer2013Folder:
                var fer = Fer2013FolderReader.Load(path, options, out var ferReport);
                log(Describe(ferReport));
                data = FromFer(fer, log);
                break;
            default:
                var folder = ImageFolderReader.Load(path, options, out var folderReport);
                log(Describe(folderReport));
                foreach (var issue in folder.Issues) log($"skipped: {issue}");
                data = Split(folder.Images);
                break;
        }
        data = match == ClassMatch.Every ? MatchClasses(data, classes, log) : ScoreAs(data, classes, log);
        log($"train {data.Train.Count:N0}, {data.ValidationName} {data.Validation.Count:N0}, {data.TestName} {data.Test.Count:N0} images");
        return data;
    }

    /// <summary>
    /// The class names the data at <paramref name="path"/> has, in its label order, found without decoding an image: FER-2013's
    /// seven (CSV or folders), muxspace's eight, or a folder-per-class tree's folder names.
    /// </summary>
    /// <exception cref="DatasetException">The path does not exist, is a file other than a .csv, or is a folder with no class folders.</exception>
    public static IReadOnlyList<string> ClassNames(string path) => ClassNames(path, KindOf(path));

    /// <summary>
    /// Fails when the data at <paramref name="path"/> cannot serve a model of <paramref name="classes"/>, before anything is
    /// decoded: training (<see cref="ClassMatch.Every"/>) needs every class of the model in the data; scoring
    /// (<see cref="ClassMatch.Some"/>) needs at least one.
    /// </summary>
    /// <exception cref="TrainingException">The classes do not match (the message lists both).</exception>
    /// <exception cref="DatasetException">As <see cref="ClassNames(string)"/>.</exception>
    public static void CheckClasses(string path, IReadOnlyList<string> classes, ClassMatch match) => CheckClasses(ClassNames(path), classes, match);

    /// <summary>The layouts <see cref="Load"/> reads.</summary>
    private enum DataKind { Fer2013Csv, Muxspace, Fer2013Folder, ImageFolder }

    private static DataKind KindOf(string path)
    {
        if (File.Exists(path))
        {
            if (path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)) return DataKind.Fer2013Csv;
            throw new DatasetException($"'{path}' is a file, not a data set; expected fer2013.csv (a .csv file) or a folder: FER-2013's "
                + "(train/ and test/), muxspace's (legend.csv and images/), or one with a folder per class");
        }
        if (!Directory.Exists(path))
            throw new DatasetException($"data '{path}' does not exist; expected fer2013.csv or a folder: FER-2013's (train/ and test/), "
                + "muxspace's (legend.csv and images/), or one with a folder per class");
        if (File.Exists(Path.Combine(path, "legend.csv"))) return DataKind.Muxspace;
        if (Directory.Exists(Path.Combine(path, "train")) && Directory.Exists(Path.Combine(path, "test"))) return DataKind.Fer2013Folder;
        return DataKind.ImageFolder;
    }

    private static IReadOnlyList<string> ClassNames(string path, DataKind kind) => kind switch
    {
        DataKind.Fer2013Csv or DataKind.Fer2013Folder => Fer2013Classes.Names,
        DataKind.Muxspace => MuxspaceClasses.Names,
        _ => ImageFolderReader.ClassNames(Path.GetFullPath(path)),
    };

    private static void CheckClasses(IReadOnlyList<string> dataClasses, IReadOnlyList<string> classes, ClassMatch match)
    {
        if (match == ClassMatch.Every)
        {
            var missing = classes.Where(c => !dataClasses.Contains(c)).ToList();
            if (missing.Count > 0)
                throw new TrainingException($"the model's classes {string.Join(", ", missing)} are not in the data (which has {string.Join(", ", dataClasses)})");
        }
        else if (!dataClasses.Any(classes.Contains))
            throw new TrainingException($"none of the data's classes ({string.Join(", ", dataClasses)}) is one of the model's ({string.Join(", ", classes)})");
    }

    private static TrainingData FromFer(Fer2013Splits splits, Action<string> log)
    {
        foreach (var issue in splits.Issues)
            log($"skipped: {issue.File}{(issue.Line > 0 ? ":" + issue.Line : "")}: {issue.Message}");
        return new TrainingData(splits.Train, splits.PublicTest, splits.PrivateTest, "public-test", "private-test");
    }

    private static TrainingData Split(LabeledImageSet all)
    {
        var parts = StratifiedSplit.Split(all, 0.8, 0.1, 0.1, SplitSeed);
        return new TrainingData(parts.Train, parts.Validation, parts.Test, "validation", "test");
    }

    private static TrainingData MatchClasses(TrainingData data, IReadOnlyList<string> classes, Action<string> log)
    {
        if (data.Train.ClassNames.SequenceEqual(classes)) return data;
        CheckClasses(data.Train.ClassNames, classes, ClassMatch.Every);
        log($"keeping the model's {classes.Count} of the data's {data.Train.ClassNames.Count} classes: {string.Join(", ", classes)}");
        return data with
        {
            Train = data.Train.SelectClasses(classes),
            Validation = data.Validation.SelectClasses(classes),
            Test = data.Test.SelectClasses(classes),
        };
    }

    // Scoring: the data's classes that the model knows keep their images, relabelled with the model's ids;
    // classes the model does not know are left out (and said so); the model's classes absent from the data
    // simply have no images.
    private static TrainingData ScoreAs(TrainingData data, IReadOnlyList<string> classes, Action<string> log)
    {
        if (data.Train.ClassNames.SequenceEqual(classes)) return data;
        CheckClasses(data.Train.ClassNames, classes, ClassMatch.Some);
        var known = data.Train.ClassNames.Where(classes.Contains).ToList();
        var unknown = data.Train.ClassNames.Except(known).ToList();
        if (unknown.Count > 0) log($"leaving out the data's classes the model does not know: {string.Join(", ", unknown)}");
        var absent = classes.Except(known).ToList();
        if (absent.Count > 0) log($"the data has no images of the model's classes {string.Join(", ", absent)}");
        return data with
        {
            Train = ImageSets.Relabel(data.Train.SelectClasses(known), classes),
            Validation = ImageSets.Relabel(data.Validation.SelectClasses(known), classes),
            Test = ImageSets.Relabel(data.Test.SelectClasses(known), classes),
        };
    }

    private static string Describe(LoadReport report) => report.FromCache
        ? $"loaded {report.SourceFiles:N0} images from the cache {report.CacheFile} in {report.Elapsed.TotalSeconds:0.0} s"
        : $"decoded {report.SourceFiles:N0} images in {report.Elapsed.TotalSeconds:0.0} s"
          + (report.CacheFile != null ? $" (cached to {report.CacheFile})" : "")
          + (report.CacheRejectReason != null ? $"; old cache rejected: {report.CacheRejectReason}" : "")
          + (report.CacheWriteError != null ? $"; not cached, so the next run decodes again: {report.CacheWriteError}" : "");
}

/// <summary>How <see cref="DatasetLoader.Load"/> matches the data's classes to the model's.</summary>
public enum ClassMatch
{
    /// <summary>Every class of the model must be in the data (training: each class needs examples); the data's other classes are left out.</summary>
    Every,
    /// <summary>The data may lack some of the model's classes (scoring a set collected elsewhere); at least one must be there.</summary>
    Some,
}
