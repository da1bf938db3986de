// NativeCnn quick start: build the seed001 shallow CNN in code, train it for one epoch on a
// FER-2013 subset, evaluate it, classify an image file and export it to ONNX.
// Usage: QuickStart <FER-2013 folder with train/ and test/> <output folder>
using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Layers;
using NativeCnn.Engine.Models;
using NativeCnn.Engine.Optimizers;
using NativeCnn.Engine.Serialization.Onnx;
using NativeCnn.Training;

string data = args[0], output = args[1];
Directory.CreateDirectory(output);
string[] classes = ["angry", "disgust", "fear", "happy", "sad", "surprise", "neutral"];

using var device = new CpuDevice();
using var model = new Sequential(inputShape: (48, 48, 1), classes, name: "seed001-shallow")
    .Add(new Conv2D(32, 3, padding: Padding.Same)).Add(new BatchNormalization()).Add(new ActivationLayer(ActivationFunction.Relu))
    .Add(new MaxPooling2D(2)).Add(new Dropout(0.25))
    .Add(new Conv2D(64, 3, padding: Padding.Same)).Add(new BatchNormalization()).Add(new ActivationLayer(ActivationFunction.Relu))
    .Add(new MaxPooling2D(2)).Add(new Dropout(0.25))
    .Add(new Flatten()).Add(new Dense(512)).Add(new BatchNormalization()).Add(new ActivationLayer(ActivationFunction.Relu))
    .Add(new Dropout(0.5)).Add(new Dense(classes.Length, ActivationFunction.Softmax))
    .Build(device, seed: 1);
Console.WriteLine($"model {model.Name}: {model.TotalParameterCount:N0} parameters, layers {string.Join(" ", model.Layers.Select(l => l.Name))}");

var fer = DatasetLoader.Load(data, [48, 48, 1], classes, log: _ => { });
var train = fer.Train.StratifiedSample(perClass: 30, seed: 1);
var validation = fer.Validation.StratifiedSample(perClass: 10, seed: 1);
using var adam = new Adam(learningRate: 0.001);
var history = model.Fit(train, validation, new FitOptions { Epochs = 1, BatchSize = 32, Seed = 1, Optimizer = adam },
    new ModelCheckpoint(Path.Combine(output, "model.safetensors"), monitor: "val_accuracy", saveBestOnly: true),
    new CsvLogger(Path.Combine(output, "metrics.csv")));
var epoch = history.Epochs[^1];
Console.WriteLine($"fit: {train.Count} images, epoch {epoch.Epoch} loss {epoch.TrainLoss:0.000}, val_accuracy {epoch.ValidationAccuracy:0.000}");

var test = model.Evaluate(fer.Test.StratifiedSample(perClass: 20, seed: 1));
Console.WriteLine($"evaluate: {test.Metrics.SampleCount} images, accuracy {test.Metrics.Accuracy:0.000}, macro-F1 {test.Metrics.MacroF1:0.000}");

string image = Directory.GetFiles(Path.Combine(data, "test", "happy")).Order(StringComparer.Ordinal).First();
var prediction = model.Predict([image]).Predictions[0];
Console.WriteLine($"predict: {Path.GetFileName(image)}: {string.Join(", ", prediction.Top(3).Select(p => $"{p.Class} {p.Probability:0.000}"))}");

string onnx = Path.Combine(output, "model.onnx");
OnnxExport.Save(model, onnx);
Console.WriteLine($"export: {onnx} ({new FileInfo(onnx).Length:N0} bytes)");
