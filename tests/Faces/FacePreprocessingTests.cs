using NativeCnn.Data.Imaging;
using NativeCnn.Engine.Devices.Cpu;
using NativeCnn.Engine.Serialization;
using NativeCnn.Faces;
using NativeCnn.Tests.Support;
using NativeCnn.Training;
using OpenCvSharp;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing;

namespace NativeCnn.Tests.Faces;

/// <summary>A face in a scene reaches the model exactly as the same pixels saved as a face image file would.</summary>
public class FacePreprocessingTests : FaceTestBase
{
    [Test]
    public void A_face_cropped_from_a_scene_is_the_model_input_of_the_same_crop_saved_as_a_file()
    {
        string scene = Path.Combine(Temp, "scene.png");
        using (var image = Scenes.Compose(1200, 560, Scenes.FourFaces())) image.SaveAsPng(scene);
        using var device = new CpuDevice();
        using var loaded = Checkpoint.Load(SeedCheckpoint(), device);
        var gray = new GrayImageDecoder().DecodeFile(scene);
        using var classifier = new FaceClassifier(loaded.Model, new FaceDetectionOptions());

        var faces = classifier.Classify(gray, scene);

        Assert.That(faces, Has.Count.EqualTo(4));
        for (int i = 0; i < faces.Count; i++)
        {
            FaceBox crop = faces[i].Crop;
            Assert.That(crop, Is.EqualTo(faces[i].Box.WithMargin(0.2, gray.Width, gray.Height)));
            // The crop as its own (lossless) file, read by the path face image files take.
            string file = Path.Combine(Temp, $"face{i}.png");
            using (var scenePixels = Image.Load<Rgb24>(scene))
            {
                scenePixels.Mutate(c => c.Crop(new Rectangle(crop.X, crop.Y, crop.Width, crop.Height)));
                scenePixels.SaveAsPng(file);
            }
            float[] fromFile = ImageFiles.LoadGray([file], 48, 48).Pixels;
            float[] fromScene = FaceCrop.ModelInput(gray, [crop], 48, 48);
            Assert.That(fromScene, Is.EqualTo(fromFile), $"face {i}: the same 48x48 input, bit for bit");

            var filePrediction = loaded.Model.Predict([file]).Predictions[0];
            RandomData.AssertClose(faces[i].Prediction.Probabilities, filePrediction.Probabilities, 1e-6, $"face {i} probabilities");
            Assert.That(faces[i].Prediction.File, Is.EqualTo(scene));
        }
    }

    [Test]
    public void PIL_grayscale_of_BGR_frames_equals_the_decoder_s_grayscale_of_the_same_colour_file()
    {
        // A real colour JPEG: ImageSharp's RGB pixels, as OpenCV's BGR, through PilGrayscale and BgrFrame.
        string file = Scenes.Muxspace(Scenes.ExpressionPhotos[1]);
        var expected = new GrayImageDecoder().DecodeFile(file);
        using var rgb = Image.Load<Rgb24>(file);
        using var bgr = Scenes.ToBgrMat(rgb);

        var gray = BgrFrame.ToGray(bgr);

        Assert.That((gray.Width, gray.Height, gray.Channels), Is.EqualTo((expected.Width, expected.Height, 1)));
        Assert.That(gray.Pixels, Is.EqualTo(expected.Pixels));
        Assert.That(gray.Pixels.Distinct().Count(), Is.GreaterThan(100), "a real photo, not a flat image");

        // A region of interest is a view with the parent's row stride: rows are read one by one.
        var roi = new Rect(37, 51, 101, 77);
        using var view = new Mat(bgr, roi);
        Assert.That(view.IsContinuous(), Is.False);
        var part = BgrFrame.ToGray(view);
        for (int y = 0; y < roi.Height; y++)
            Assert.That(part.Pixels.AsSpan(y * roi.Width, roi.Width).ToArray(),
                Is.EqualTo(expected.Pixels.AsSpan((roi.Y + y) * expected.Width + roi.X, roi.Width).ToArray()), $"row {y}");

        // BGRA drops alpha as PIL's RGBA to L does.
        using var bgra = bgr.CvtColor(ColorConversionCodes.BGR2BGRA);
        Assert.That(BgrFrame.ToGray(bgra).Pixels, Is.EqualTo(expected.Pixels));
    }

    [Test]
    public void PilGrayscale_rejects_partial_pixels_and_short_outputs()
    {
        Assert.Throws<ArgumentException>(() => PilGrayscale.FromBgr24(new byte[10], new byte[3]));
        Assert.Throws<ArgumentException>(() => PilGrayscale.FromBgr24(new byte[9], new byte[2]));
        var gray = new byte[2];
        PilGrayscale.FromBgr24([255, 0, 0, 0, 0, 255], gray);
        // Pure blue and pure red, PIL's L: (7471 * 255 + 32768) >> 16 = 29 and (19595 * 255 + 32768) >> 16 = 76.
        Assert.That(gray, Is.EqualTo(new byte[] { 29, 76 }));
    }

    [TestCase(100, 70, 50, 60, 0.2, 90, 58, 70, 84, TestName = "Margin_inside_the_image")]
    [TestCase(5, 3, 50, 60, 0.2, 0, 0, 65, 75, TestName = "Margin_clamped_at_the_top_left")]
    [TestCase(170, 130, 30, 20, 0.5, 155, 120, 45, 30, TestName = "Margin_clamped_at_the_bottom_right")]
    [TestCase(10, 20, 30, 40, 0.0, 10, 20, 30, 40, TestName = "No_margin")]
    public void WithMargin_grows_each_side_and_stays_in_the_image(int x, int y, int w, int h, double margin, int ex, int ey, int ew, int eh)
    {
        Assert.That(new FaceBox(x, y, w, h).WithMargin(margin, 200, 150), Is.EqualTo(new FaceBox(ex, ey, ew, eh)));
    }

    [Test]
    public void WithMargin_refuses_a_margin_outside_zero_to_one()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaceBox(0, 0, 10, 10).WithMargin(1.5, 100, 100));
        Assert.Throws<ArgumentOutOfRangeException>(() => new FaceBox(0, 0, 10, 10).WithMargin(-0.1, 100, 100));
    }
}
