namespace NativeCnn.Engine.Serialization;

/// <summary>Everything read from a safetensors file: its tensors and its header metadata.</summary>
public sealed class SafeTensorsContent
{
    /// <summary>Creates the content from tensors in file order and metadata.</summary>
    /// <param name="tensorsInOrder">Tensors in the order of their data in the file; names must be unique.</param>
    /// <param name="metadata">The header's <c>__metadata__</c> entries (empty when absent).</param>
    /// <exception cref="ArgumentException">Two tensors share a name.</exception>
    public SafeTensorsContent(IReadOnlyList<SafeTensor> tensorsInOrder, IReadOnlyDictionary<string, string> metadata)
    {
        ArgumentNullException.ThrowIfNull(tensorsInOrder);
        ArgumentNullException.ThrowIfNull(metadata);
        TensorsInOrder = tensorsInOrder;
        Tensors = tensorsInOrder.ToDictionary(t => t.Name, StringComparer.Ordinal);
        Metadata = metadata;
    }

    /// <summary>Tensors by name.</summary>
    public IReadOnlyDictionary<string, SafeTensor> Tensors { get; }

    /// <summary>
    /// Tensors in the order their bytes appear in the data buffer, which for files written by
    /// <see cref="SafeTensorsFile.Write"/> is the order they were passed in.
    /// </summary>
    public IReadOnlyList<SafeTensor> TensorsInOrder { get; }

    /// <summary>The header's <c>__metadata__</c> string-to-string map; empty when the file has none.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }
}
