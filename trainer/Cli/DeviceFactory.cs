using NativeCnn.Engine.Devices;
using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Trainer.Training;

namespace NativeCnn.Trainer.Cli;

/// <summary>Creates the backend named by --device.</summary>
public static class DeviceFactory
{
    /// <summary>Names --device accepts.</summary>
    public static readonly string[] Names = ["cpu"];

    /// <summary>Creates the device.</summary>
    /// <exception cref="CliException">Unknown device name.</exception>
    public static Device Create(string name) => name.ToLowerInvariant() switch
    {
        "cpu" => new CpuDevice(),
        _ => throw new CliException($"unknown device '{name}'; available: {string.Join(", ", Names)}"),
    };
}
