using System.Globalization;
using System.Text.Json;

namespace NativeCnn.Engine.Serialization;

/// <summary>
/// A JSON object stored as a string in a checkpoint's metadata (the "optimizer" and "training"
/// entries), read field by field with type and range checks. Every failure is a
/// <see cref="CheckpointFormatException"/> that names the file, the metadata entry and the field
/// (e.g. <c>metadata 'training' key 'epoch' must be an integer from 1 to 15, got "x"</c>), so a
/// damaged or hand-edited file gives one clear line instead of a JSON or dictionary exception.
/// </summary>
public sealed class MetadataJson
{
    private readonly string _path, _entry, _prefix;

    private MetadataJson(string path, string entry, string prefix, JsonElement element)
    {
        _path = path;
        _entry = entry;
        _prefix = prefix;
        Element = element;
    }

    /// <summary>The object itself.</summary>
    public JsonElement Element { get; }

    /// <summary>Parses metadata entry <paramref name="entry"/> of <paramref name="content"/>.</summary>
    /// <param name="path">The checkpoint file, for messages.</param>
    /// <param name="content">What <see cref="SafeTensorsFile.Read"/> returned for it.</param>
    /// <param name="entry">The metadata key, e.g. "optimizer".</param>
    /// <returns>The object (its <see cref="Element"/> stays valid: the document is cloned).</returns>
    /// <exception cref="CheckpointFormatException">The entry is missing, not JSON, or not a JSON object.</exception>
    public static MetadataJson Parse(string path, SafeTensorsContent content, string entry)
    {
        if (!content.Metadata.TryGetValue(entry, out var text))
            throw new CheckpointFormatException(path, $"metadata has no '{entry}'");
        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(text);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(path, $"metadata '{entry}' is not valid JSON ({ErrorText.OneLine(e.Message)})", e);
        }
        if (root.ValueKind != JsonValueKind.Object)
            throw new CheckpointFormatException(path, $"metadata '{entry}' is a JSON {root.ValueKind}, expected an object");
        return new MetadataJson(path, entry, "", root);
    }

    /// <summary>True when the object has <paramref name="key"/>.</summary>
    public bool Has(string key) => Element.TryGetProperty(key, out _);

    /// <summary>A nested object.</summary>
    /// <exception cref="CheckpointFormatException">Missing or not an object.</exception>
    public MetadataJson Object(string key)
    {
        var value = Get(key);
        if (value.ValueKind != JsonValueKind.Object) throw Wrong(key, "must be a JSON object", value);
        return new MetadataJson(_path, _entry, _prefix + key + ".", value);
    }

    /// <summary>A string value.</summary>
    /// <exception cref="CheckpointFormatException">Missing or not a string.</exception>
    public string String(string key)
    {
        var value = Get(key);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw Wrong(key, "must be a string", value);
    }

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>].</summary>
    /// <exception cref="CheckpointFormatException">Missing, not an integer, or out of range.</exception>
    public long Integer(string key, long min = long.MinValue, long max = long.MaxValue)
    {
        var value = Get(key);
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long n) && n >= min && n <= max) return n;
        string range = (min, max) switch
        {
            (long.MinValue, long.MaxValue) => "an integer",
            (_, long.MaxValue) => $"an integer >= {min}",
            _ => $"an integer from {min} to {max}",
        };
        throw Wrong(key, "must be " + range, value);
    }

    /// <summary>A finite number.</summary>
    /// <exception cref="CheckpointFormatException">Missing, not a number, or not finite.</exception>
    public double Number(string key)
    {
        var value = Get(key);
        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double d) && double.IsFinite(d)
            ? d : throw Wrong(key, "must be a finite number", value);
    }

    /// <summary>The raw value of a key.</summary>
    /// <exception cref="CheckpointFormatException">Missing.</exception>
    public JsonElement Get(string key) =>
        Element.TryGetProperty(key, out var value) ? value : throw new CheckpointFormatException(_path, $"metadata '{_entry}' has no key '{_prefix}{key}'");

    /// <summary>The error for a value of <paramref name="key"/> that is present but unusable.</summary>
    /// <param name="key">The key, within this object.</param>
    /// <param name="expected">What it must be, e.g. "must be an integer".</param>
    /// <param name="value">What it is.</param>
    public CheckpointFormatException Wrong(string key, string expected, JsonElement value)
    {
        string raw = ErrorText.OneLine(value.GetRawText(), 60);
        return new CheckpointFormatException(_path, string.Create(CultureInfo.InvariantCulture, $"metadata '{_entry}' key '{_prefix}{key}' {expected}, got {raw}"));
    }
}
