using OpenCvSharp;

namespace NativeCnn.Faces;

/// <summary>
/// Writes the annotated frames of a video run: as a video through OpenCV's VideoWriter with the first
/// codec this platform's OpenCV can encode, or, when it encodes none, as JPEG files of the processed
/// frames. The video is written under a temporary name and renamed by <see cref="Complete"/>.
/// </summary>
internal sealed class AnnotatedVideoWriter : IDisposable
{
    /// <summary>Codecs tried in order, each with the container it goes in: MPEG-4 Part 2 in MP4 plays almost anywhere; Motion JPEG in AVI is the fallback.</summary>
    public static readonly IReadOnlyList<(string FourCC, string File)> Codecs = [("mp4v", "annotated.mp4"), ("MJPG", "annotated.avi")];

    private readonly VideoWriter? _video;
    private readonly string _temporary = "";
    private readonly string _target;
    private bool _completed;

    private AnnotatedVideoWriter(VideoWriter? video, string temporary, string target)
    {
        (_video, _temporary, _target) = (video, temporary, target);
    }

    /// <summary>Opens a writer for frames of <paramref name="size"/> at <paramref name="fps"/> in <paramref name="folder"/>.</summary>
    /// <param name="folder">The output folder (exists).</param>
    /// <param name="fps">Frames per second of the output video.</param>
    /// <param name="size">Frame width and height, pixels.</param>
    /// <param name="codecs">Codecs to try, default <see cref="Codecs"/>; none at all means frames.</param>
    public static AnnotatedVideoWriter Open(string folder, double fps, Size size, IReadOnlyList<(string FourCC, string File)>? codecs = null)
    {
        foreach (var (fourCC, file) in codecs ?? Codecs)
        {
            // The container is chosen by the extension, so the temporary name keeps it.
            string temporary = Path.Combine(folder, $".{Path.GetFileNameWithoutExtension(file)}.{Path.GetRandomFileName().Replace(".", "")}.tmp{Path.GetExtension(file)}");
            var video = OpenCvNative.Call(() => new VideoWriter(temporary, VideoWriter.FourCC(fourCC), fps, size), temporary);
            if (video.IsOpened()) return new AnnotatedVideoWriter(video, temporary, Path.Combine(folder, file));
            video.Dispose();
            File.Delete(temporary);
        }
        string frames = Path.Combine(folder, "frames");
        Directory.CreateDirectory(frames);
        return new AnnotatedVideoWriter(null, "", frames);
    }

    /// <summary>Writes frame <paramref name="index"/>: every frame into the video; only processed ones as files.</summary>
    public void Write(Mat frame, int index, bool processed)
    {
        if (_video is not null) _video.Write(frame);
        else if (processed) AnnotatedImageFile.Write(frame, Path.Combine(_target, $"frame_{index:D6}.jpg"));
    }

    /// <summary>Finishes the output; returns the video's path, or the frames folder's.</summary>
    public (string? Video, string? FramesFolder) Complete()
    {
        _completed = true;
        if (_video is null) return (null, _target);
        _video.Release();
        File.Move(_temporary, _target, overwrite: true);
        return (_target, null);
    }

    /// <summary>Closes the video; an incomplete one is deleted.</summary>
    public void Dispose()
    {
        _video?.Dispose();
        if (!_completed && _video is not null) File.Delete(_temporary);
    }
}
