using System.Runtime.InteropServices;
using NativeCnn.Engine.Devices.Gpu;

namespace NativeCnn.Engine.Devices.Cuda;

/// <summary>Turns CUresult and nvrtcResult codes into <see cref="GpuException"/>s naming the call and the error.</summary>
internal static unsafe class CudaErrors
{
    /// <summary>Throws unless a driver call returned CUDA_SUCCESS.</summary>
    public static void Check(int status, string call)
    {
        if (status != 0) throw Failure(status, call);
    }

    /// <summary>The exception for a failed driver call, with the driver's name and description of the error.</summary>
    public static GpuException Failure(int status, string call, string detail = "")
    {
        byte* name = null, text = null;
        // These two cannot fail for a valid code; for an unknown one they leave the pointers null.
        CudaApi.cuGetErrorName(status, &name);
        CudaApi.cuGetErrorString(status, &text);
        string errorName = name == null ? "CUDA_ERROR_UNKNOWN_CODE" : Marshal.PtrToStringUTF8((nint)name)!;
        string description = text == null ? "" : ": " + Marshal.PtrToStringUTF8((nint)text);
        return new GpuException($"{call} failed: {errorName} ({status}){description}{detail}") { Call = call, Status = status };
    }

    /// <summary>Throws unless an NVRTC call returned NVRTC_SUCCESS.</summary>
    public static void CheckNvrtc(int status, string call, string detail = "")
    {
        if (status == 0) return;
        string text = Marshal.PtrToStringUTF8((nint)NvrtcApi.nvrtcGetErrorString(status)) ?? "unknown NVRTC error";
        throw new GpuException($"{call} failed: {text} ({status}){detail}") { Call = call, Status = status };
    }
}
