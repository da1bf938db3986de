using System.Reflection;
using System.Text.Json;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Models;

namespace NativeCnn.Engine.Serialization.Onnx;

/// <summary>
/// Writes a <see cref="Sequential"/> model as an ONNX file (opset 13) that computes what
/// <see cref="Sequential.Predict"/> does: input "input", float32 [N, C, H, W] (N dynamic), pixels
/// scaled to [0, 1]; output "probabilities", float32 [N, classes], softmax included. The class names
/// are in the metadata ("classes", a JSON array), with the model name, the input's preprocessing and
/// the architecture JSON. Runs in ONNX Runtime and anything else that reads ONNX.
/// </summary>
/// <remarks>
/// Each layer maps to standard operators (onnx/docs/Operators.md):
/// <list type="bullet">
/// <item>Conv2D → Conv with the OIHW kernel as is, strides, and pads [top, left, bottom, right]
/// (asymmetric for 'same' when the total is odd: the extra pixel bottom/right, as Keras does); then
/// Relu when the layer has that activation;</item>
/// <item>BatchNormalization → BatchNormalization in inference form (scale γ, bias β, input_mean and
/// input_var the moving statistics, epsilon), also on [N, F] features;</item>
/// <item>MaxPooling2D → MaxPool (kernel_shape, strides, no padding, floor);</item>
/// <item>Dropout → nothing (identity at inference);</item>
/// <item>Flatten → Flatten(axis 1): our Flatten is over C·H·W of NCHW, exactly ONNX's;</item>
/// <item>Dense → Gemm(x, kernel, bias) with the [in, out] kernel as B (transB 0); then its activation;</item>
/// <item>Activation → Relu or Softmax (over the last axis);</item>
/// <item>a final Softmax when the layers do not end in one (Predict's softmax over the logits).</item>
/// </list>
/// </remarks>
public static class OnnxExport
{
    /// <summary>The operator set the file imports: ai.onnx 13 (Softmax over one axis, Gemm with optional C).</summary>
    public const int Opset = 13;
    /// <summary>The IR version written: 7, the one opset 13 was released with (ONNX 1.8).</summary>
    public const int IrVersion = 7;
    /// <summary>Name of the graph input.</summary>
    public const string InputName = "input";
    /// <summary>Name of the graph output.</summary>
    public const string OutputName = "probabilities";

    /// <summary>Writes the ONNX file to <paramref name="path"/> atomically (temporary file, fsync, rename).</summary>
    /// <param name="model">A built model; its weights are read from its device.</param>
    /// <param name="path">The .onnx file; its folder must exist.</param>
    /// <exception cref="NotSupportedException">A layer type has no ONNX mapping.</exception>
    /// <exception cref="IOException">The file cannot be written; an existing file is left as it was.</exception>
    public static void Save(Sequential model, string path)
    {
        byte[] bytes = ToBytes(model);
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    /// <summary>The ONNX ModelProto bytes of <paramref name="model"/>.</summary>
    /// <exception cref="NotSupportedException">A layer type has no ONNX mapping.</exception>
    public static byte[] ToBytes(Sequential model)
    {
        var graph = new GraphBuilder();
        string x = InputName;
        foreach (var layer in model.Layers) x = graph.Add(layer, x);
        if (graph.LastOp != "Softmax") x = graph.Node("Softmax", "softmax", [x]);
        graph.Rename(x, OutputName);

        var (c, h, w) = (model.InputShape[0], model.InputShape[1], model.InputShape[2]);
        var onnxGraph = OnnxProto.Graph(model.Name, graph.Nodes, graph.Initializers,
            OnnxProto.FloatValue(InputName, "N", null, c, h, w), OnnxProto.FloatValue(OutputName, "N", null, model.ClassCount));
        var metadata = new Dictionary<string, string>
        {
            ["classes"] = JsonSerializer.Serialize(model.Classes),
            ["model"] = model.Name,
            ["input"] = $"float32 [N, {c}, {h}, {w}] (NCHW), {(c == 1 ? "grayscale" : $"{c}-channel")} pixels scaled to [0, 1] (pixel / 255)",
            ["output"] = $"float32 [N, {model.ClassCount}] softmax probabilities in the order of 'classes'",
            ["architecture"] = model.Spec.Json,
        };
        string version = typeof(OnnxExport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "";
        return OnnxProto.Model(IrVersion, Opset, "NativeCnn", version, onnxGraph, metadata).ToArray();
    }

    /// <summary>Nodes and initializers in topological order; each layer's output is named after the layer.</summary>
    private sealed class GraphBuilder
    {
        private readonly List<(string OpType, string Name, string[] Inputs, string Output, ProtobufWriter[] Attributes)> _nodes = [];

        public List<ProtobufWriter> Initializers { get; } = [];

        public IEnumerable<ProtobufWriter> Nodes => _nodes.Select(n => OnnxProto.Node(n.OpType, n.Name, n.Inputs, n.Output, n.Attributes));

        public string? LastOp => _nodes.Count == 0 ? null : _nodes[^1].OpType;

        public string Node(string opType, string name, string[] inputs, params ProtobufWriter[] attributes)
        {
            _nodes.Add((opType, name, inputs, name, attributes));
            return name;
        }

        /// <summary>Gives the last node's output the graph output's name.</summary>
        public void Rename(string output, string name) => _nodes[^1] = _nodes[^1] with { Output = name };

        public string Add(Layer layer, string x) => layer switch
        {
            Conv2D conv => Activation(conv.Activation, layer.Name, Node("Conv", layer.Name, [x, .. Weights(layer, "kernel", "bias")],
                OnnxProto.Ints("kernel_shape", conv.KernelSize.Height, conv.KernelSize.Width),
                OnnxProto.Ints("strides", conv.Strides.Height, conv.Strides.Width),
                OnnxProto.Ints("pads", conv.Pads.Top, conv.Pads.Left, conv.Pads.Bottom, conv.Pads.Right))),
            BatchNormalization norm => Node("BatchNormalization", layer.Name,
                [x, .. Weights(layer, "gamma", "beta", "moving_mean", "moving_variance")], OnnxProto.Float32("epsilon", (float)norm.Epsilon)),
            MaxPooling2D pool => Node("MaxPool", layer.Name, [x],
                OnnxProto.Ints("kernel_shape", pool.PoolSize.Height, pool.PoolSize.Width), OnnxProto.Ints("strides", pool.Strides.Height, pool.Strides.Width)),
            Layers.Dropout => x,
            Flatten => Node("Flatten", layer.Name, [x], OnnxProto.Int("axis", 1)),
            Dense dense => Activation(dense.Activation, layer.Name, Node("Gemm", layer.Name, [x, .. Weights(layer, "kernel", "bias")])),
            ActivationLayer activation => Activation(activation.Function, layer.Name, x, suffix: ""),
            _ => throw new NotSupportedException($"layer {layer.Name} ({layer.TypeName}) has no ONNX mapping"),
        };

        private string Activation(ActivationFunction function, string layer, string x, string suffix = "/activation") => function switch
        {
            ActivationFunction.Relu => Node("Relu", layer + suffix, [x]),
            ActivationFunction.Softmax => Node("Softmax", layer + suffix, [x]),
            _ => x,
        };

        // The layer's parameters of these names that exist (a bias may be off), as initializers named layer.parameter.
        private IEnumerable<string> Weights(Layer layer, params string[] names)
        {
            foreach (string name in names)
            {
                var p = layer.Parameters.FirstOrDefault(q => q.Name == name);
                if (p is null) continue;
                Initializers.Add(OnnxProto.Tensor(p.FullName, p.Value.ShapeArray(), HostFloats.Read(p.Value)));
                yield return p.FullName;
            }
        }
    }
}
