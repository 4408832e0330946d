using Ppl.Examples.IrmColoredMnist;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.IrmColoredMnist;

/// <summary>Colored MNIST's environments: the paper's subsampling, channels and flip rates, on images the test makes.</summary>
public sealed class ColoredMnistTests
{
    [Fact]
    public void EnvironmentsHaveThePapersSplitsChannelsAndFlipRates()
    {
        using var scope = NewDisposeScope();
        const int Training = 40000, Test = 20000;
        var g = new Generator(3);
        var pixels = rand(Training + Test, 784, generator: g);
        var digits = randint(0, 10, [Training + Test], generator: g);
        var (training, test) = ColoredMnist.Make(pixels, digits, Training, Test, new Generator(4));

        Assert.Equal(["env1", "env2"], training.Select(e => e.Name));
        Assert.All(training, e => Assert.Equal([Training / 2, 2, 14, 14], e.Inputs.shape));
        Assert.Equal([Test, 2, 14, 14], test.Inputs.shape);

        // the test environment is the images after the training ones, in order, subsampled 2×: pixel (r, c) is (2r, 2c)
        var image = pixels[Training].reshape(28, 28);
        var shown = test.Inputs[0].sum([0L]);
        Assert.True(shown.allclose(image.index(TensorIndex.Slice(null, null, 2), TensorIndex.Slice(null, null, 2))));

        foreach (var (environment, flip) in training.Append(test).Zip(new[] { 0.2, 0.1, 0.9 }))
        {
            // exactly one channel carries the digit; which one is the colour
            var perChannel = environment.Inputs.sum([2L, 3L]);
            Assert.True(perChannel.gt(0).sum([1L]).eq(1).all().item<bool>(), $"{environment.Name}: an image lit both or no channels");
            var colour = perChannel[TensorIndex.Colon, 1].gt(0).to(float32);
            double colourFlips = colour.ne(environment.Labels).to(float64).mean().item<double>();
            Assert.True(Math.Abs(colourFlips - flip) < 0.015, $"{environment.Name}: colour disagrees with the label on {colourFlips:P1}, expected {flip:P0}");
        }

        var testLabels = test.Labels;
        var source = digits.narrow(0, Training, Test).lt(5).to(float32);
        double labelFlips = source.ne(testLabels).to(float64).mean().item<double>();
        Assert.True(Math.Abs(labelFlips - ColoredMnist.LabelNoise) < 0.015, $"label noise {labelFlips:P1}");
    }

    [Fact]
    public void TooFewImagesAreRefused()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => ColoredMnist.Make(zeros(10, 784), zeros(10, dtype: ScalarType.Int64), 8, 4, new Generator(1)));
        Assert.Contains("8 training and 4 test images", e.Message, StringComparison.Ordinal);
    }
}
