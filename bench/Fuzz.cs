using System.Diagnostics;
using System.Runtime.Intrinsics.X86;
using NativeCnn.Bench.Fuzzing;

namespace NativeCnn.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench -- fuzz --format jpeg|png|webp|csv|legend|safetensors|architecture|all --count N --seed S [--findings DIR]</c>:
/// mutates real files of a format and runs each through the project's reader with a 5 s and 1 GiB budget (<see cref="Fuzzer"/>),
/// then prints one line per format and every finding. Exit code 1 when there is a finding.
/// </summary>
public static class Fuzz
{
    /// <summary>Runs the campaign the arguments describe.</summary>
    public static int Run(string[] args)
    {
        string Arg(string name, string fallback) { int i = Array.IndexOf(args, name); return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback; }
        string formatName = Arg("--format", "all");
        int count = int.Parse(Arg("--count", "1000")), seed = int.Parse(Arg("--seed", "1"));
        string repository = FindRepository();
        string sharedData = Arg("--shared-data", Path.GetFullPath(Path.Combine(repository, "..", "shared", "data")));
        string findings = Arg("--findings", Path.Combine(Path.GetTempPath(), "nativecnn-fuzz-findings"));
        FuzzFormat[] formats = formatName == "all" ? Enum.GetValues<FuzzFormat>()
            : [Enum.TryParse<FuzzFormat>(formatName, ignoreCase: true, out var f) ? f : throw new ArgumentException($"--format {formatName}: expected jpeg, png, webp, csv, legend, safetensors, architecture or all")];
        Console.WriteLine($"fuzz: {count} inputs per format, seed {seed}, budget {Fuzzer.TimeBudget.TotalSeconds} s and {Fuzzer.MemoryBudget >> 20} MB per input; "
            + $"{Environment.ProcessorCount} cores, {(Avx512F.IsSupported ? "AVX-512" : Avx2.IsSupported ? "AVX2" : "no AVX2")}, {DateTime.UtcNow:yyyy-MM-dd}");
        int total = 0;
        foreach (var format in formats)
        {
            var report = Fuzzer.Run(format, count, seed, sharedData, repository, findings, Console.WriteLine);
            Console.WriteLine($"{format.ToString().ToLowerInvariant(),-13} {report.Count,6} inputs: {report.Accepted,6} accepted, {report.Rejected,6} rejected with a clear error, "
                + $"{report.Findings.Count} findings; {report.Elapsed.TotalSeconds,6:0.0} s, slowest {report.Slowest.TotalMilliseconds:0} ms, most memory {report.MostMemory >> 20} MB");
            foreach (var finding in report.Findings)
                Console.WriteLine($"  {finding.Kind}: input {finding.Index} ({finding.Mutation}) {finding.Detail}{(finding.SavedInput is null ? "" : $" [saved {finding.SavedInput}]")}");
            total += report.Findings.Count;
        }
        return total == 0 ? 0 : 1;
    }

    private static string FindRepository()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NativeCnn.sln"))) return dir.FullName;
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "NativeCnn.sln"))) return dir.FullName;
        throw new InvalidOperationException("NativeCnn.sln not found above " + AppContext.BaseDirectory);
    }
}
