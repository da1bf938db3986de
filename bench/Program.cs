// Entry point of the benchmark runner:
//   dotnet run -c Release --project bench -- --filter '*'      BenchmarkDotNet suites (GemmBenchmarks, LayerBenchmarks, ModelBenchmarks)
//   dotnet run -c Release --project bench -- gemm-quick        FMA peak and SGEMM GFLOP/s report (about a minute)
//   dotnet run -c Release --project bench -- train-throughput  training / inference images per second per seed model
//   dotnet run -c Release --project bench -- layer-profile     per-layer forward / backward times of a training step
//   dotnet run -c Release --project bench -- step-stats        kernel launches, copies and allocations per training step
//   dotnet run -c Release --project bench -- gemm-sweep        every GPU GEMM tile shape on SGEMMs and the models' convolutions
//   dotnet run -c Release --project bench -- loader-throughput images per second of the input pipeline alone (decode cache, batches, augmentation)
//   dotnet run -c Release --project bench -- fuzz --format jpeg|png|webp|csv|legend|safetensors|architecture|all --count N --seed S
using BenchmarkDotNet.Running;
using NativeCnn.Bench;

if (args.Length > 0 && args[0] == "gemm-quick")
{
    GemmQuickReport.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "train-throughput")
{
    TrainingThroughput.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "fuzz") { Environment.ExitCode = Fuzz.Run(args[1..]); return; }

if (args.Length > 0 && args[0] == "layer-profile")
{
    LayerProfile.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "step-stats")
{
    StepStats.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "gemm-sweep")
{
    GemmSweep.Run(args[1..]);
    return;
}

if (args.Length > 0 && args[0] == "loader-throughput")
{
    LoaderThroughput.Run(args[1..]);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
