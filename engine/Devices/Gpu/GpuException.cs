namespace NativeCnn.Engine.Devices.Gpu;

/// <summary>
/// A GPU device cannot do what was asked: its runtime reported an error (ILGPU's message, e.g. out of memory), or the
/// device lacks a feature the call needs (float64 on an OpenCL device without cl_khr_fp64). The message says which.
/// </summary>
public sealed class GpuException : Exception
{
    /// <summary>Creates the exception with a complete message.</summary>
    /// <param name="message">What failed and why.</param>
    public GpuException(string message) : base(message) { }

    /// <summary>Creates the exception with a complete message and the exception that caused it.</summary>
    /// <param name="message">What failed and why.</param>
    /// <param name="inner">The underlying failure, e.g. ILGPU's <c>AcceleratorException</c>.</param>
    public GpuException(string message, Exception inner) : base(message, inner) { }
}
