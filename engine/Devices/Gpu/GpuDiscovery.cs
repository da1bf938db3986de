namespace NativeCnn.Engine.Devices.Gpu;

/// <summary>Turns a GPU runtime's device enumeration into a yes/no answer with a reason, for listings and test fixtures.</summary>
internal static class GpuDiscovery
{
    /// <summary>Runs <paramref name="enumerate"/>; false with the runtime's error, or <paramref name="noneReason"/> when it finds no device.</summary>
    public static bool TryEnumerate<T>(Func<IReadOnlyList<T>> enumerate, string noneReason, out IReadOnlyList<T> devices, out string reason)
    {
        try
        {
            devices = enumerate();
            reason = devices.Count == 0 ? noneReason : "";
            return devices.Count > 0;
        }
        catch (GpuException e)
        {
            devices = [];
            reason = e.Message;
            return false;
        }
    }
}
