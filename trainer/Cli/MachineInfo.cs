namespace NativeCnn.Trainer.Cli;

/// <summary>A one-line description of this machine for reports: CPU model and core count.</summary>
public static class MachineInfo
{
    /// <summary>e.g. "AMD EPYC 9R45 (2 cores)".</summary>
    public static string Describe()
    {
        string cpu = "unknown CPU";
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            if (line != null) cpu = line[(line.IndexOf(':') + 1)..].Trim();
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return $"{cpu} ({Environment.ProcessorCount} cores)";
    }
}
