using System.Runtime.InteropServices;
using OpenCvSharp;

namespace NativeCnn.Faces;

/// <summary>
/// Turns OpenCV's failures into <see cref="FaceDetectionException"/>s: a native library that does not
/// load (libOpenCvSharpExtern.so needs GTK 3 and a few other Debian packages, which
/// scripts/install-face-detection.sh installs) and errors OpenCV raises about a file.
/// </summary>
internal static class OpenCvNative
{
    /// <summary>What to do when the native library is missing a dependency.</summary>
    public const string SetupHint = "run scripts/install-face-detection.sh (it installs libgtk-3-0 and the other Debian packages OpenCV's native library loads)";

    private static readonly Lazy<bool> Silenced = new(Silence);

    /// <summary>
    /// Keeps OpenCV's and FFmpeg's own log lines (a camera index that does not exist, a file that is
    /// not a video) off the terminal: every failure reaches the user once, as our one error line.
    /// NATIVECNN_DEBUG=1, or OPENCV_LOG_LEVEL / OPENCV_FFMPEG_LOGLEVEL set by the user, keeps them.
    /// </summary>
    /// <exception cref="FaceDetectionException">The native library cannot be loaded.</exception>
    public static void Quiet() => _ = Call(() => Silenced.Value, "OpenCV");

    private static bool Silence()
    {
        if (Environment.GetEnvironmentVariable("NATIVECNN_DEBUG") == "1") return false;
        // OpenCV reads this once, when its FFmpeg backend starts: FFmpeg's messages then go through
        // OpenCV's logger, silenced below. .NET's own environment is a copy native code never sees.
        if (Environment.GetEnvironmentVariable("OPENCV_FFMPEG_LOGLEVEL") is null) SetEnvironment("OPENCV_FFMPEG_LOGLEVEL", "-8", overwrite: 0);
        if (Environment.GetEnvironmentVariable("OPENCV_LOG_LEVEL") is null) Cv2.SetLogLevel(LogLevel.SILENT);
        return true;
    }

    [DllImport("libc", EntryPoint = "setenv")]
    private static extern int SetEnvironment([MarshalAs(UnmanagedType.LPUTF8Str)] string name, [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    /// <summary>Runs <paramref name="call"/>; an OpenCV failure becomes a <see cref="FaceDetectionException"/> naming <paramref name="subject"/>.</summary>
    /// <exception cref="FaceDetectionException">The native library cannot be loaded, or OpenCV raised an error.</exception>
    public static T Call<T>(Func<T> call, string subject)
    {
        try
        {
            return call();
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or BadImageFormatException)
        {
            throw new FaceDetectionException($"OpenCV's native library could not be loaded ({FirstSentence(Innermost(e).Message)}); {SetupHint}", e);
        }
        catch (OpenCVException e)
        {
            throw new FaceDetectionException($"{subject}: OpenCV error: {e.ErrMsg}", e);
        }
    }

    private static Exception Innermost(Exception e) => e.InnerException is null ? e : Innermost(e.InnerException);

    // .NET's loader message goes on with advice about strace and LD_DEBUG; the first sentence names the library.
    private static string FirstSentence(string message)
    {
        string line = message.Split('\n')[0].Trim();
        int end = line.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? line.TrimEnd('.') : line[..end];
    }
}
