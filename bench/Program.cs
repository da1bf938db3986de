// Entry point of the benchmark runner: `dotnet run -c Release --project bench -- --filter '*'`.
using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
