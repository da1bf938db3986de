using System.Runtime.InteropServices;

namespace NativeCnn.Engine.Serialization.Onnx;

/// <summary>
/// The ONNX messages an exported model uses, built with <see cref="ProtobufWriter"/>. Field numbers
/// and enum values are those of onnx/onnx.proto (github.com/onnx/onnx, onnx/onnx.proto; stable since
/// IR version 3): ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto,
/// TypeProto.Tensor, TensorShapeProto.Dimension, OperatorSetIdProto, StringStringEntryProto.
/// </summary>
internal static class OnnxProto
{
    /// <summary>TensorProto.DataType FLOAT.</summary>
    public const int Float = 1;

    // AttributeProto.AttributeType
    private const int AttributeFloat = 1, AttributeInt = 2, AttributeInts = 7;

    /// <summary>ModelProto: ir_version = 1, producer_name = 2, producer_version = 3, graph = 7,
    /// opset_import = 8 (OperatorSetIdProto: domain = 1, version = 2), metadata_props = 14.</summary>
    public static ProtobufWriter Model(long irVersion, long opset, string producer, string producerVersion, ProtobufWriter graph,
        IEnumerable<KeyValuePair<string, string>> metadata)
    {
        var model = new ProtobufWriter().Int(1, irVersion).String(2, producer).String(3, producerVersion).Message(7, graph)
            .Message(8, new ProtobufWriter().String(1, "").Int(2, opset));
        foreach (var (key, value) in metadata) model.Message(14, new ProtobufWriter().String(1, key).String(2, value));
        return model;
    }

    /// <summary>GraphProto: node = 1, name = 2, initializer = 5, input = 11, output = 12.</summary>
    public static ProtobufWriter Graph(string name, IEnumerable<ProtobufWriter> nodes, IEnumerable<ProtobufWriter> initializers,
        ProtobufWriter input, ProtobufWriter output)
    {
        var graph = new ProtobufWriter();
        foreach (var node in nodes) graph.Message(1, node);
        graph.String(2, name);
        foreach (var tensor in initializers) graph.Message(5, tensor);
        return graph.Message(11, input).Message(12, output);
    }

    /// <summary>NodeProto: input = 1, output = 2, name = 3, op_type = 4, attribute = 5.</summary>
    public static ProtobufWriter Node(string opType, string name, IEnumerable<string> inputs, string output, params ProtobufWriter[] attributes)
    {
        var node = new ProtobufWriter();
        foreach (string input in inputs) node.String(1, input);
        node.String(2, output).String(3, name).String(4, opType);
        foreach (var attribute in attributes) node.Message(5, attribute);
        return node;
    }

    /// <summary>AttributeProto of type INTS: name = 1, ints = 8 (packed), type = 20.</summary>
    public static ProtobufWriter Ints(string name, params long[] values) =>
        new ProtobufWriter().String(1, name).PackedInts(8, values).Int(20, AttributeInts);

    /// <summary>AttributeProto of type INT: name = 1, i = 3, type = 20.</summary>
    public static ProtobufWriter Int(string name, long value) => new ProtobufWriter().String(1, name).Int(3, value).Int(20, AttributeInt);

    /// <summary>AttributeProto of type FLOAT: name = 1, f = 2, type = 20.</summary>
    public static ProtobufWriter Float32(string name, float value) => new ProtobufWriter().String(1, name).Float(2, value).Int(20, AttributeFloat);

    /// <summary>TensorProto of floats: dims = 1 (packed), data_type = 2, name = 8, raw_data = 9 (little-endian IEEE 754).</summary>
    public static ProtobufWriter Tensor(string name, IReadOnlyList<int> dims, float[] values)
    {
        byte[] raw = MemoryMarshal.AsBytes(values.AsSpan()).ToArray();
        if (!BitConverter.IsLittleEndian) for (int i = 0; i < raw.Length; i += 4) Array.Reverse(raw, i, 4);
        return new ProtobufWriter().PackedInts(1, dims.Select(d => (long)d)).Int(2, Float).String(8, name).Bytes(9, raw);
    }

    /// <summary>
    /// ValueInfoProto (name = 1, type = 2) of a float tensor: TypeProto.tensor_type = 1, whose
    /// elem_type = 1 and shape = 2; TensorShapeProto.dim = 1, each Dimension a dim_value = 1 or,
    /// for a null size, the symbolic dim_param = 2 <paramref name="symbol"/>.
    /// </summary>
    public static ProtobufWriter FloatValue(string name, string symbol, params int?[] dims)
    {
        var shape = new ProtobufWriter();
        foreach (int? d in dims)
            shape.Message(1, d is int size ? new ProtobufWriter().Int(1, size) : new ProtobufWriter().String(2, symbol));
        var tensorType = new ProtobufWriter().Int(1, Float).Message(2, shape);
        return new ProtobufWriter().String(1, name).Message(2, new ProtobufWriter().Message(1, tensorType));
    }
}
