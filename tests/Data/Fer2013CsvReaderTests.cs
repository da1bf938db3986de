using NativeCnn.Data;
using NativeCnn.Data.Fer2013;
using NUnit.Framework;

namespace NativeCnn.Tests.Data;

/// <summary>
/// The CSV reader on the real truncated download. Reading the file itself shows 33 lines: the
/// header, 31 complete rows (lines 2-32) and one row cut after 114 pixel values (line 33). (The
/// data README says "32 complete rows"; the file has 31 + the cut one, 32 data rows in all.)
/// </summary>
[TestFixture]
public sealed class Fer2013CsvReaderTests
{
    [Test]
    public void TruncatedDownloadLoadsCompleteRowsAndReportsTheCutOne()
    {
        string path = TestPaths.Fer2013HeadCsv;
        string[] lines = File.ReadAllLines(path);
        Assert.That(lines, Has.Length.EqualTo(33), "header + 31 complete rows + 1 cut row");

        Fer2013Splits splits = Fer2013CsvReader.Load(path);

        Assert.That(splits.Train.Count, Is.EqualTo(31));
        Assert.That(splits.PublicTest.Count + splits.PrivateTest.Count, Is.Zero);
        Assert.That(splits.Issues, Has.Count.EqualTo(1));
        DatasetIssue issue = splits.Issues[0];
        Assert.That(issue.File, Is.EqualTo(path));
        Assert.That(issue.Line, Is.EqualTo(33));
        Assert.That(issue.Message, Does.Contain("expected 2304 pixel values, found 114"));
        Assert.That(issue.Message, Does.Contain("Usage field missing"));
        Assert.That(issue.ToString(), Does.StartWith(path + ":33: "));
    }

    [Test]
    public void LabelsAndPixelsMatchTheFile()
    {
        string[] lines = File.ReadAllLines(TestPaths.Fer2013HeadCsv);
        Fer2013Splits splits = Fer2013CsvReader.Load(TestPaths.Fer2013HeadCsv);
        int[] expectedLabels = lines.Skip(1).Take(31).Select(l => int.Parse(l.Split(',')[0])).ToArray();
        Assert.That(splits.Train.Labels, Is.EqualTo(expectedLabels));
        Assert.That(splits.Train.Labels.Take(7), Is.EqualTo(new[] { 0, 0, 2, 4, 6, 2, 4 }));
        // First row starts "70 80 82 ..." and ends with 82.
        ReadOnlySpan<byte> first = splits.Train.GetImage(0);
        Assert.That(first[0], Is.EqualTo(70));
        Assert.That(first[1], Is.EqualTo(80));
        Assert.That(first[2303], Is.EqualTo(82));
        Assert.That(splits.Train.SourceFiles![0], Is.EqualTo("fer2013_head.csv:2"));
    }

    [Test]
    public void StrictModeThrowsNamingFileAndLine()
    {
        var ex = Assert.Throws<DatasetException>(() => Fer2013CsvReader.Load(TestPaths.Fer2013HeadCsv, strict: true));
        Assert.That(ex!.Message, Does.Contain("fer2013_head.csv:33"));
        Assert.That(ex.Message, Does.Contain("expected 2304 pixel values, found 114"));
    }
}
