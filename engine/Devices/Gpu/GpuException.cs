namespace NativeCnn.Engine.Devices.Gpu;

/// <summary>
/// A GPU runtime call failed or a GPU runtime is unusable. The message names the call and the
/// runtime's error name (e.g. <c>clEnqueueNDRangeKernel failed: CL_OUT_OF_RESOURCES (-5)</c>),
/// and for a kernel that does not compile it carries the compiler's build log.
/// </summary>
public sealed class GpuException : Exception
{
    /// <summary>Creates the exception with a complete message.</summary>
    /// <param name="message">What failed, naming the API call and the error.</param>
    public GpuException(string message) : base(message) { }

    /// <summary>Creates the exception with a complete message and the exception that caused it.</summary>
    /// <param name="message">What failed.</param>
    /// <param name="inner">The underlying failure, e.g. a <see cref="DllNotFoundException"/>.</param>
    public GpuException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The API call that failed (e.g. "clBuildProgram"), or empty when not a single call.</summary>
    public string Call { get; init; } = "";

    /// <summary>The runtime's status code (0 when not from a call).</summary>
    public int Status { get; init; }
}
