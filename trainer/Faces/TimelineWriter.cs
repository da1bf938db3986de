using System.Globalization;
using System.Text;

namespace NativeCnn.Faces;

/// <summary>
/// timeline.csv of a video run, one row per face per processed frame:
/// <c>frame,time_s,x,y,width,height,class,probability</c> (the box in pixels, the most likely class
/// and its probability). Rows go to a temporary file next to the target, which is renamed to it by
/// <see cref="Complete"/>: a run that dies leaves no half-written timeline.csv.
/// </summary>
internal sealed class TimelineWriter : IDisposable
{
    private readonly string _path;
    private readonly string _temporary;
    private readonly StreamWriter _writer;
    private bool _completed;

    /// <summary>Starts a timeline that <see cref="Complete"/> will publish at <paramref name="path"/>.</summary>
    public TimelineWriter(string path)
    {
        _path = path;
        _temporary = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path))!, $".{Path.GetFileName(path)}.{Path.GetRandomFileName()}.tmp");
        _writer = new StreamWriter(_temporary, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        _writer.WriteLine(VideoFaces.TimelineHeader);
    }

    /// <summary>Adds a row for each face of frame <paramref name="frame"/>, at <paramref name="seconds"/> from the start.</summary>
    public void Add(int frame, double seconds, IReadOnlyList<DetectedFace> faces)
    {
        foreach (var face in faces)
        {
            var (name, probability) = face.Prediction.Top(1)[0];
            FaceBox b = face.Box;
            _writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{frame},{seconds:0.000},{b.X},{b.Y},{b.Width},{b.Height},{Quote(name)},{probability:0.000000}"));
        }
    }

    /// <summary>Flushes the rows to disk and renames the file to its final name; returns that name.</summary>
    public string Complete()
    {
        _writer.Flush();
        ((FileStream)_writer.BaseStream).Flush(flushToDisk: true);
        _writer.Dispose();
        File.Move(_temporary, _path, overwrite: true);
        _completed = true;
        return _path;
    }

    /// <summary>Closes the file; an incomplete timeline is deleted.</summary>
    public void Dispose()
    {
        _writer.Dispose();
        if (!_completed) File.Delete(_temporary);
    }

    /// <summary>RFC 4180: a class name with a comma, quote or line break is quoted, its quotes doubled.</summary>
    private static string Quote(string value) =>
        value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"") + "\"";
}
