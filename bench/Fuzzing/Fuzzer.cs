using System.Diagnostics;
using System.Globalization;
using NativeCnn.Engine.Models;

namespace NativeCnn.Bench.Fuzzing;

/// <summary>What one input did that it must not: crash (an exception the reader does not document), hang, allocate too much, or fail unclearly.</summary>
/// <param name="Index">The input's number; with the seed it reproduces the input.</param>
/// <param name="Kind">"crash", "hang", "allocation" or "unclear".</param>
/// <param name="Mutation">How the seed file was changed.</param>
/// <param name="Detail">The exception, the time or the bytes.</param>
/// <param name="SavedInput">Where the input was saved, or null.</param>
public sealed record FuzzFinding(int Index, string Kind, string Mutation, string Detail, string? SavedInput);

/// <summary>A fuzzing campaign's outcome.</summary>
/// <param name="Format">The format fuzzed.</param>
/// <param name="Count">Inputs tried.</param>
/// <param name="Seed">The generator's seed.</param>
/// <param name="Accepted">Inputs the reader read without error (a mutation that left a valid file).</param>
/// <param name="Rejected">Inputs refused with one of the reader's documented, clear one-line errors.</param>
/// <param name="Findings">Everything else.</param>
/// <param name="Elapsed">Wall time.</param>
/// <param name="Slowest">The longest time one input took.</param>
/// <param name="MostMemory">The most memory one input took: its allocations or its growth of the peak resident set, whichever was larger.</param>
public sealed record FuzzReport(FuzzFormat Format, int Count, int Seed, int Accepted, int Rejected, IReadOnlyList<FuzzFinding> Findings,
    TimeSpan Elapsed, TimeSpan Slowest, long MostMemory);

/// <summary>
/// Mutates real files of one format (<see cref="Mutator"/>) and runs each through the project's own reader
/// (<see cref="FuzzTarget"/>) with a time budget (a hang) and a memory budget, classifying every input: accepted, rejected
/// with a documented one-line error that names the file, or a finding. Inputs run one at a time on a worker thread, so the
/// memory an input takes is what the process took while it ran: managed allocations (<see cref="GC.GetTotalAllocatedBytes"/>)
/// and, on Linux, the growth of the peak resident set (reset before each input through /proc/self/clear_refs), which also
/// sees native buffers. The engine's memory budget is lowered to half the fuzzer's while it runs, so a checkpoint or
/// architecture that claims a huge model must be refused by the footprint check, not allocated.
/// </summary>
public static class Fuzzer
{
    /// <summary>The time one input may take: 5 s.</summary>
    public static readonly TimeSpan TimeBudget = TimeSpan.FromSeconds(5);

    /// <summary>The memory one input may take: 1 GiB.</summary>
    public const long MemoryBudget = 1L << 30;

    /// <summary>Runs <paramref name="count"/> mutated inputs of <paramref name="format"/>.</summary>
    /// <param name="format">The format.</param>
    /// <param name="count">Inputs to try.</param>
    /// <param name="seed">Seeds the generator: the same seed gives the same inputs.</param>
    /// <param name="sharedData">../shared/data.</param>
    /// <param name="repository">The repository root.</param>
    /// <param name="findingsFolder">Where inputs with findings are saved, or null.</param>
    /// <param name="log">Progress lines.</param>
    public static FuzzReport Run(FuzzFormat format, int count, int seed, string sharedData, string repository, string? findingsFolder, Action<string>? log = null) =>
        Run(FuzzTarget.For(format, sharedData, repository), count, seed, findingsFolder, log);

    /// <summary>Runs <paramref name="count"/> mutated inputs through <paramref name="target"/>.</summary>
    public static FuzzReport Run(FuzzTarget target, int count, int seed, string? findingsFolder, Action<string>? log = null)
    {
        var format = target.Format;
        string work = Directory.CreateTempSubdirectory("nativecnn-fuzz-").FullName;
        string? savedLimit = Environment.GetEnvironmentVariable(Engine.Models.MemoryBudget.EnvironmentVariable);
        Environment.SetEnvironmentVariable(Engine.Models.MemoryBudget.EnvironmentVariable, (MemoryBudget / 2).ToString(CultureInfo.InvariantCulture));
        var findings = new List<FuzzFinding>();
        int accepted = 0, rejected = 0;
        var slowest = TimeSpan.Zero;
        long mostMemory = 0;
        var clock = Stopwatch.StartNew();
        try
        {
            for (int i = 0; i < count; i++)
            {
                // Input i of a seed is the same in every process (HashCode.Combine would not be: it is salted per process).
                var random = new Random(unchecked(seed * 1_000_003 + i));
                byte[] seedFile = target.Seeds[random.Next(target.Seeds.Count)], other = target.Seeds[random.Next(target.Seeds.Count)];
                var (input, mutation) = Mutator.Mutate(seedFile, other, target.HeaderEdits, random);
                string path = Path.Combine(work, $"input-{i}{target.Extension}");
                File.WriteAllBytes(path, input);
                var (error, elapsed, memory, finished) = Measure(() => target.Read(path));
                slowest = elapsed > slowest ? elapsed : slowest;
                mostMemory = Math.Max(mostMemory, memory);
                string? kind = !finished ? "hang" : memory > MemoryBudget ? "allocation" : error is null ? null : !target.IsDocumented(error) ? "crash" : !IsClear(error.Message, path) ? "unclear" : null;
                if (kind is null)
                {
                    if (error is null) accepted++;
                    else rejected++;
                }
                else
                {
                    string detail = kind switch
                    {
                        "hang" => $"still running after {TimeBudget.TotalSeconds} s",
                        "allocation" => $"took {Engine.Models.MemoryBudget.Format(memory)}" + (error is null ? "" : $", then {error.GetType().Name}: {error.Message}"),
                        _ => $"{error!.GetType().Name}: {error.Message}" + (kind == "crash" ? $" at {error.StackTrace?.Split('\n').FirstOrDefault()?.Trim()}" : ""),
                    };
                    string? saved = findingsFolder is null ? null : Path.Combine(findingsFolder, $"{format.ToString().ToLowerInvariant()}-{seed}-{i}{target.Extension}");
                    if (saved is not null)
                    {
                        Directory.CreateDirectory(findingsFolder!);
                        File.WriteAllBytes(saved, input);
                    }
                    findings.Add(new FuzzFinding(i, kind, mutation, detail, saved));
                    log?.Invoke($"  {kind}: input {i} ({mutation}): {detail}");
                    if (kind == "hang") break; // the stuck reader keeps its thread; later measurements would not be its own
                }
                File.Delete(path);
                if (log is not null && (i + 1) % 1000 == 0) log($"  {i + 1} inputs, {findings.Count} findings, {clock.Elapsed.TotalSeconds:0} s");
            }
        }
        finally
        {
            Environment.SetEnvironmentVariable(Engine.Models.MemoryBudget.EnvironmentVariable, savedLimit);
            Directory.Delete(work, recursive: true);
        }
        return new FuzzReport(format, count, seed, accepted, rejected, findings, clock.Elapsed, slowest, mostMemory);
    }

    /// <summary>
    /// A documented error is clear when it is one line that names the file, and is no runtime exception's text passed on
    /// (an argument name, a stack frame).
    /// </summary>
    public static bool IsClear(string message, string path) =>
        !message.Contains('\n') && !message.Contains('\r') && message.Contains(Path.GetFileName(path), StringComparison.Ordinal)
        && !message.Contains("(Parameter '", StringComparison.Ordinal) && !message.Contains("   at ", StringComparison.Ordinal) && message.Length <= 600;

    private static (Exception? Error, TimeSpan Elapsed, long Memory, bool Finished) Measure(Action read)
    {
        Exception? error = null;
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: false);
        long residentBefore = PeakResidentSet.Reset();
        var clock = Stopwatch.StartNew();
        var worker = new Thread(() =>
        {
            try { read(); }
            catch (Exception e) { error = e; }
        }) { IsBackground = true };
        worker.Start();
        bool finished = worker.Join(TimeBudget);
        var elapsed = clock.Elapsed;
        long allocated = GC.GetTotalAllocatedBytes(precise: false) - allocatedBefore;
        long resident = PeakResidentSet.Read() - residentBefore;
        return (error, elapsed, Math.Max(allocated, resident), finished);
    }

    /// <summary>Linux's peak resident set (VmHWM), which writing "5" to /proc/self/clear_refs resets to the current one; 0 elsewhere.</summary>
    private static class PeakResidentSet
    {
        private static readonly bool Available = OperatingSystem.IsLinux() && File.Exists("/proc/self/clear_refs");

        /// <summary>Resets the peak to the current resident set and returns it, in bytes.</summary>
        public static long Reset()
        {
            if (!Available) return 0;
            try { File.WriteAllText("/proc/self/clear_refs", "5"); }
            catch (IOException) { return Read(); }
            catch (UnauthorizedAccessException) { return Read(); }
            return Field("VmRSS:");
        }

        /// <summary>The peak since the last reset, in bytes.</summary>
        public static long Read() => Available ? Field("VmHWM:") : 0;

        private static long Field(string name)
        {
            foreach (string line in File.ReadLines("/proc/self/status"))
                if (line.StartsWith(name, StringComparison.Ordinal))
                    return long.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) * 1024;
            return 0;
        }
    }
}
