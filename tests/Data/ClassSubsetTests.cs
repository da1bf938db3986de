using NativeCnn.Data;
using NativeCnn.Data.Fer2013;

namespace NativeCnn.Tests.Data;

[TestFixture]
public sealed class ClassSubsetTests
{
    [Test]
    public void SelectClassesRemapsLabelsInTheGivenOrderAndKeepsPixels()
    {
        // Image i has pixel value i and label i % 4 over classes w, x, y, z.
        int[] labels = Enumerable.Range(0, 12).Select(i => i % 4).ToArray();
        byte[] pixels = Enumerable.Range(0, 12).Select(i => (byte)i).ToArray();
        var set = new LabeledImageSet(pixels, labels, 1, 1, 1, ["w", "x", "y", "z"], labels.Select(i => $"f{i}").ToArray());
        LabeledImageSet picked = set.SelectClasses(["z", "x"]);
        Assert.That(picked.ClassNames, Is.EqualTo(new[] { "z", "x" }));
        Assert.That(picked.Pixels, Is.EqualTo(new byte[] { 1, 3, 5, 7, 9, 11 }), "dataset order kept");
        Assert.That(picked.Labels, Is.EqualTo(new[] { 1, 0, 1, 0, 1, 0 }), "x -> 1, z -> 0");
        Assert.That(picked.SourceFiles, Has.Count.EqualTo(6));
    }

    [Test]
    public void SelectClassesRejectsUnknownAndRepeatedNames()
    {
        var set = new LabeledImageSet([0, 1], [0, 1], 1, 1, 1, ["a", "b"]);
        Assert.That(() => set.SelectClasses(["a", "B"]), Throws.ArgumentException.With.Message.Contain("'B'").And.Message.Contain("available: a, b"));
        Assert.That(() => set.SelectClasses(["a", "a"]), Throws.ArgumentException.With.Message.Contain("twice"));
        Assert.That(() => set.SelectClasses([]), Throws.ArgumentException);
    }

    [Test]
    public void Seed004SubsetOfTheRealFer2013HasTheReadmeCounts()
    {
        // Uses the user's decoded-dataset cache (~/.cache/nativecnn by default), so only the first run decodes.
        Fer2013Splits full = Fer2013FolderReader.Load(TestPaths.Fer2013Folder);
        Fer2013Splits four = Fer2013Subset.Select(full, Fer2013Subset.HappySadNeutralSurprise);
        Assert.That(four.Train.ClassNames, Is.EqualTo(new[] { "happy", "sad", "neutral", "surprise" }));
        // README: happy 7215/895/879, sad 4830/653/594, neutral 4965/607/626, surprise 3171/415/416.
        Assert.That(four.Train.CountPerClass(), Is.EqualTo(new[] { 7215, 4830, 4965, 3171 }));
        Assert.That(four.PublicTest.CountPerClass(), Is.EqualTo(new[] { 895, 653, 607, 415 }));
        Assert.That(four.PrivateTest.CountPerClass(), Is.EqualTo(new[] { 879, 594, 626, 416 }));
        // Every kept image came from the folder of its new class.
        for (int i = 0; i < four.Train.Count; i += 97)
        {
            string folder = four.Train.SourceFiles![i].Split('/')[1];
            Assert.That(folder, Is.EqualTo(four.Train.ClassNames[four.Train.Labels[i]]));
        }
    }
}
