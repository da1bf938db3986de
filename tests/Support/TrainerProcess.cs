using System.Diagnostics;

namespace NativeCnn.Tests.Support;

/// <summary>
/// Starts the real nativecnn executable (<c>dotnet nativecnn.dll</c>, built next to the tests) as its own process, for the
/// behaviour only a separate process shows: a folder lock held by another process, a kill -9, redirected output.
/// </summary>
internal sealed class TrainerProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Text.StringBuilder _out = new(), _error = new();

    private TrainerProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => { lock (_out) if (e.Data != null) _out.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (_error) if (e.Data != null) _error.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The executable: nativecnn.dll, copied next to the test assembly with its runtime configuration.</summary>
    public static string Dll => Path.Combine(TestContext.CurrentContext.TestDirectory, "nativecnn.dll");

    /// <summary>Starts <c>dotnet nativecnn.dll <paramref name="args"/></c> with stdout and stderr redirected.</summary>
    /// <param name="args">The command line.</param>
    /// <param name="environment">Variables to set (null value: remove).</param>
    public static TrainerProcess Start(IEnumerable<string> args, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Dll);
        foreach (string a in args) info.ArgumentList.Add(a);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) info.Environment.Remove(name);
            else info.Environment[name] = value;
        }
        return new TrainerProcess(Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start"));
    }

    /// <summary>Runs a command to its end (killing it after <paramref name="timeout"/>) and returns what it printed.</summary>
    public static (int ExitCode, string Out, string Error) Run(IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string?>? environment = null)
    {
        using var p = Start(args, environment);
        return p.WaitForExit(timeout);
    }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Standard output so far.</summary>
    public string Out { get { lock (_out) return _out.ToString(); } }

    /// <summary>Waits for the end; fails the test (after killing the process) when it takes longer than <paramref name="timeout"/>.</summary>
    public (int ExitCode, string Out, string Error) WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            Kill();
            Assert.Fail($"nativecnn did not finish within {timeout.TotalSeconds} s; it printed:\n{Out}\n{Error()}");
        }
        _process.WaitForExit(); // drains the asynchronous readers
        return (_process.ExitCode, Out, Error());
    }

    /// <summary>Waits until <paramref name="condition"/> holds, failing the test if the process ends first or the time runs out.</summary>
    public void WaitUntil(Func<bool> condition, TimeSpan timeout, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (_process.HasExited) Assert.Fail($"nativecnn ended (exit code {_process.ExitCode}) before {what}:\n{Out}\n{Error()}");
            if (clock.Elapsed > timeout) Assert.Fail($"{what} did not happen within {timeout.TotalSeconds} s:\n{Out}\n{Error()}");
            Thread.Sleep(20);
        }
    }

    /// <summary>kill -9: the process ends at once, with no chance to clean up (SIGKILL on Linux).</summary>
    public void Kill()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    private string Error() { lock (_error) return _error.ToString(); }

    /// <summary>Kills the process if it still runs.</summary>
    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }
}
