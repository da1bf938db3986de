using System.Text.Json;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Regularizers;

namespace NativeCnn.Engine.Models;

/// <summary>
/// A model architecture as data: the JSON file format of models/*.json.
/// <code>
/// { "name": "seed002", "input_shape": [48, 48, 1], "classes": ["angry", ...],
///   "notes": ["why a choice was made"],
///   "layers": [ { "type": "Conv2D", "name": "conv2d_1", "filters": 64, "kernel_size": 3,
///                 "padding": "valid", "activation": "relu" }, ... ] }
/// </code>
/// input_shape is Keras order (height, width, channels); layer types and argument names are
/// Keras': Conv2D (filters, kernel_size, strides, padding, activation, use_bias, kernel_regularizer),
/// BatchNormalization (momentum, epsilon), MaxPooling2D (pool_size, strides), Dropout (rate),
/// Flatten, Dense (units, activation, use_bias, kernel_regularizer), Activation (activation).
/// kernel_regularizer is <c>{"l2": λ}</c> (Keras regularizers.L2, λ ≥ 0) or null for none.
/// </summary>
public sealed class ArchitectureSpec
{
    private ArchitectureSpec(string name, int[] inputShapeHwc, string[] classes, string[] notes, LayerSpec[] layers, string json, string source)
    {
        Name = name;
        InputShapeHwc = inputShapeHwc;
        Classes = classes;
        Notes = notes;
        Layers = layers;
        Json = json;
        Source = source;
    }

    /// <summary>Model name (e.g. seed001-shallow).</summary>
    public string Name { get; }
    /// <summary>Input shape in Keras order [height, width, channels].</summary>
    public int[] InputShapeHwc { get; }
    /// <summary>Input shape in NativeCnn order [channels, height, width].</summary>
    public int[] InputShapeChw => [InputShapeHwc[2], InputShapeHwc[0], InputShapeHwc[1]];
    /// <summary>Class names in label order; the last layer must output this many values.</summary>
    public IReadOnlyList<string> Classes { get; }
    /// <summary>Free-text notes: where the architecture comes from and which choices it makes.</summary>
    public IReadOnlyList<string> Notes { get; }
    /// <summary>Layers in order.</summary>
    public IReadOnlyList<LayerSpec> Layers { get; }
    /// <summary>The JSON text this spec was parsed from (stored in checkpoints).</summary>
    public string Json { get; }
    /// <summary>Where the JSON came from (a file path, or "checkpoint ...") for error messages.</summary>
    public string Source { get; }

    /// <summary>Reads and validates an architecture file.</summary>
    /// <exception cref="ModelFormatException">The file is missing, is not JSON, or a field is wrong (message names the file and the field).</exception>
    public static ArchitectureSpec Load(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFormatException($"{path}: cannot read architecture file: {e.Message}", e);
        }
        return Parse(text, path);
    }

    /// <summary>Parses architecture JSON; <paramref name="source"/> names it in errors.</summary>
    /// <exception cref="ModelFormatException">The text is not a valid architecture.</exception>
    public static ArchitectureSpec Parse(string json, string source)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException e) { throw new ModelFormatException($"{source}: not valid JSON (line {e.LineNumber + 1}): {Serialization.ErrorText.OneLine(e.Message)}", e); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new ModelFormatException($"{source}: expected a JSON object at the top level");
            string name = root.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : Path.GetFileNameWithoutExtension(source);
            int[] input = ReadIntArray(root, "input_shape", source, "the top level");
            if (input.Length != 3 || input.Any(d => d <= 0))
                throw new ModelFormatException($"{source}: input_shape must be [height, width, channels] with positive sizes, got [{string.Join(", ", input)}]");
            string[] classes = ReadStringArray(root, "classes", source, required: true);
            if (classes.Length < 2) throw new ModelFormatException($"{source}: 'classes' needs at least two class names");
            if (classes.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } twice)
                throw new ModelFormatException($"{source}: 'classes' names '{twice.Key}' {twice.Count()} times; each class needs one name of its own");
            string[] notes = ReadStringArray(root, "notes", source, required: false);
            if (!root.TryGetProperty("layers", out var layers) || layers.ValueKind != JsonValueKind.Array || layers.GetArrayLength() == 0)
                throw new ModelFormatException($"{source}: 'layers' must be a non-empty array");
            var specs = new List<LayerSpec>();
            int index = 0;
            foreach (var layer in layers.EnumerateArray())
                specs.Add(LayerSpec.Parse(layer, index++, source));
            return new ArchitectureSpec(name, input, classes, notes, specs.ToArray(), json, source);
        }
    }

    /// <summary>
    /// The architecture file of a model built in code: every layer with its type, name and
    /// <see cref="Layer.Config"/>, written as JSON and parsed back, so the checkpoint of a code-built
    /// model rebuilds the same model (same names, same arguments) wherever it is loaded.
    /// </summary>
    /// <param name="name">Model name.</param>
    /// <param name="inputShapeHwc">Input shape in Keras order [height, width, channels].</param>
    /// <param name="classes">Class names in label order.</param>
    /// <param name="layers">The named layers, in order.</param>
    /// <returns>The spec; its <see cref="Source"/> says the model was built in code.</returns>
    /// <exception cref="ModelFormatException">The layers do not make a valid architecture (no layers, fewer than two classes).</exception>
    public static ArchitectureSpec FromLayers(string name, int[] inputShapeHwc, IReadOnlyList<string> classes, IEnumerable<Layer> layers)
    {
        var document = new Dictionary<string, object?>
        {
            ["name"] = name,
            ["input_shape"] = inputShapeHwc,
            ["classes"] = classes,
            ["layers"] = layers.Select(l => new Dictionary<string, object?>(l.Config.Prepend(KeyValuePair.Create("name", (object?)l.Name))
                .Prepend(KeyValuePair.Create("type", (object?)l.TypeName)))).ToList(),
        };
        string json = JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true });
        return Parse(json, $"model '{name}' (built in code)");
    }

    internal static int[] ReadIntArray(JsonElement parent, string property, string source, string where)
    {
        if (!parent.TryGetProperty(property, out var e) || e.ValueKind != JsonValueKind.Array)
            throw new ModelFormatException($"{source}: {where} needs '{property}' as an array of integers");
        try { return e.EnumerateArray().Select(v => v.GetInt32()).ToArray(); }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException)
        {
            throw new ModelFormatException($"{source}: {where}: '{property}' must hold integers", ex);
        }
    }

    private static string[] ReadStringArray(JsonElement root, string property, string source, bool required)
    {
        if (!root.TryGetProperty(property, out var e))
            return required ? throw new ModelFormatException($"{source}: missing '{property}'") : [];
        if (e.ValueKind != JsonValueKind.Array || e.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.String))
            throw new ModelFormatException($"{source}: '{property}' must be an array of strings");
        return e.EnumerateArray().Select(v => v.GetString()!).ToArray();
    }
}

/// <summary>One entry of an architecture's "layers" array: a Keras type name and its arguments.</summary>
public sealed class LayerSpec
{
    private readonly Dictionary<string, JsonElement> _arguments;

    private LayerSpec(string type, string? name, int index, Dictionary<string, JsonElement> arguments, string source)
    {
        Type = type;
        Name = name;
        Index = index;
        _arguments = arguments;
        Source = source;
    }

    /// <summary>Keras class name (Conv2D, Dense, ...).</summary>
    public string Type { get; }
    /// <summary>Explicit layer name, or null to name it Keras-style (conv2d_1, ...).</summary>
    public string? Name { get; }
    /// <summary>Position in the layers array (0-based).</summary>
    public int Index { get; }
    /// <summary>The architecture's source, for error messages.</summary>
    public string Source { get; }

    internal static LayerSpec Parse(JsonElement e, int index, string source)
    {
        if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty("type", out var t) || t.ValueKind != JsonValueKind.String)
            throw new ModelFormatException($"{source}: layers[{index}] must be an object with a string 'type'");
        var args = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject())
            if (p.Name is not ("type" or "name" or "comment")) args[p.Name] = p.Value.Clone();
        string? name = e.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
        return new LayerSpec(t.GetString()!, name, index, args, source);
    }

    private string Where => $"{Source}: layers[{Index}] ({Type})";

    /// <summary>An integer argument, or <paramref name="fallback"/> when absent (null fallback = required).</summary>
    /// <exception cref="ModelFormatException">Missing or not an integer.</exception>
    public int Int(string key, int? fallback = null)
    {
        if (!_arguments.TryGetValue(key, out var v))
            return fallback ?? throw new ModelFormatException($"{Where}: missing '{key}'");
        return v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i
            : throw new ModelFormatException($"{Where}: '{key}' must be an integer, got {Shorten(v.GetRawText())}");
    }

    /// <summary>A number argument or the fallback.</summary>
    /// <exception cref="ModelFormatException">Not a number.</exception>
    public double Number(string key, double fallback)
    {
        if (!_arguments.TryGetValue(key, out var v)) return fallback;
        return v.ValueKind == JsonValueKind.Number ? v.GetDouble() : throw new ModelFormatException($"{Where}: '{key}' must be a number");
    }

    /// <summary>A string argument or the fallback.</summary>
    /// <exception cref="ModelFormatException">Not a string.</exception>
    public string? String(string key, string? fallback)
    {
        if (!_arguments.TryGetValue(key, out var v)) return fallback;
        return v.ValueKind == JsonValueKind.String ? v.GetString() : throw new ModelFormatException($"{Where}: '{key}' must be a string");
    }

    /// <summary>A boolean argument or the fallback.</summary>
    /// <exception cref="ModelFormatException">Not true/false.</exception>
    public bool Bool(string key, bool fallback)
    {
        if (!_arguments.TryGetValue(key, out var v)) return fallback;
        return v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : throw new ModelFormatException($"{Where}: '{key}' must be true or false");
    }

    /// <summary>A Keras size pair: an integer n (meaning n×n) or [h, w]; or the fallback.</summary>
    /// <exception cref="ModelFormatException">Missing (when no fallback) or malformed.</exception>
    public (int Height, int Width) Pair(string key, (int, int)? fallback = null)
    {
        if (!_arguments.TryGetValue(key, out var v))
            return fallback ?? throw new ModelFormatException($"{Where}: missing '{key}'");
        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int s)) return (s, s);
        if (v.ValueKind == JsonValueKind.Array && v.GetArrayLength() == 2
            && v[0].ValueKind == JsonValueKind.Number && v[0].TryGetInt32(out int h) && v[1].ValueKind == JsonValueKind.Number && v[1].TryGetInt32(out int w))
            return (h, w);
        throw new ModelFormatException($"{Where}: '{key}' must be an integer or [height, width] of integers, got {Shorten(v.GetRawText())}");
    }

    /// <summary>
    /// A Keras regularizer argument such as kernel_regularizer: <c>{"l2": λ}</c> with a finite λ ≥ 0,
    /// or null / absent for none (Keras' default). <c>{"l2": 0}</c> is a regularizer of its own that
    /// does nothing, so a layer can keep the trainer's <c>--l2</c> default off its kernel.
    /// </summary>
    /// <exception cref="ModelFormatException">Not an object, a key other than "l2", or λ not a finite number ≥ 0.</exception>
    public L2Regularizer? Regularizer(string key)
    {
        if (!_arguments.TryGetValue(key, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        string expected = $"'{key}' must be {{\"l2\": factor}} with a number >= 0, or null";
        if (v.ValueKind != JsonValueKind.Object)
            throw new ModelFormatException($"{Where}: {expected}, got {Shorten(v.GetRawText())}");
        var unknown = v.EnumerateObject().Select(p => p.Name).Where(n => n != "l2").ToArray();
        if (unknown.Length > 0)
            throw new ModelFormatException($"{Where}: '{key}' has unknown key(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))}; NativeCnn supports only {{\"l2\": factor}}");
        if (!v.TryGetProperty("l2", out var factor) || factor.ValueKind != JsonValueKind.Number || !factor.TryGetDouble(out double l2))
            throw new ModelFormatException($"{Where}: {expected}, got {Shorten(v.GetRawText())}");
        try { return new L2Regularizer(l2); }
        catch (ArgumentException e) { throw new ModelFormatException($"{Where}: '{key}': {e.Message}", e); }
    }

    // A value as the file wrote it, on one line (an object or array may span several).
    private static string Shorten(string raw) => Serialization.ErrorText.OneLine(raw, 60);

    /// <summary>Fails on arguments the layer does not know, so a typo never goes unnoticed.</summary>
    /// <exception cref="ModelFormatException">An unknown argument is present.</exception>
    public void AllowOnly(params string[] known)
    {
        var unknown = _arguments.Keys.Where(k => !known.Contains(k)).ToArray();
        if (unknown.Length > 0)
            throw new ModelFormatException($"{Where}: unknown argument(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))}; allowed: {string.Join(", ", known)}");
    }
}

/// <summary>An architecture or checkpoint file that cannot be used; the message names the file and the problem.</summary>
public sealed class ModelFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ModelFormatException(string message, Exception? inner = null) : base(message, inner) { }
}
