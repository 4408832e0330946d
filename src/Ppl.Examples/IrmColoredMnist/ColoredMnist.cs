using Ppl.Causal.Invariance;
using static TorchSharp.torch;

namespace Ppl.Examples.IrmColoredMnist;

/// <summary>
/// Colored MNIST as Arjovsky et al. build it (their <c>make_environment</c>): images subsampled 2× to
/// 14 × 14 and put in one of two colour channels (the other zeroed); the label is "digit &lt; 5" flipped
/// with probability 0.25, the colour is the label flipped with the environment's probability. Shape
/// predicts the label with 75% accuracy everywhere; colour with 80% and 90% in the two training
/// environments and 10% in the test environment.
/// </summary>
internal static class ColoredMnist
{
    /// <summary>The probability that a label is flipped: the best invariant classifier is 75% accurate.</summary>
    public const double LabelNoise = 0.25;

    /// <summary>Colour-flip probabilities of the two training environments and the test environment.</summary>
    public static readonly (string Name, double ColourFlip)[] Environments = [("env1", 0.2), ("env2", 0.1), ("test", 0.9)];

    /// <summary>
    /// The three environments from <paramref name="pixels"/> [N, 784] in [0, 1] and <paramref name="digits"/> [N]:
    /// the first <paramref name="trainingCount"/> images, shuffled, alternate between the two training
    /// environments; the next <paramref name="testCount"/> make the test environment. Every random draw
    /// (shuffle, label noise, colour) comes from <paramref name="generator"/>.
    /// </summary>
    /// <exception cref="ArgumentException">Fewer images than asked for.</exception>
    public static (TrainingEnvironment[] Training, TrainingEnvironment Test) Make(Tensor pixels, Tensor digits, int trainingCount, int testCount, Generator generator)
    {
        if (pixels.shape[0] < trainingCount + testCount || pixels.shape[0] != digits.shape[0])
        {
            throw new ArgumentException($"ColoredMnist: {trainingCount} training and {testCount} test images asked for; got pixels [{string.Join(", ", pixels.shape)}] and digits [{string.Join(", ", digits.shape)}].");
        }

        var order = randperm(trainingCount, generator: generator);
        var trainPixels = pixels.narrow(0, 0, trainingCount).index_select(0, order);
        var trainDigits = digits.narrow(0, 0, trainingCount).index_select(0, order);
        var even = arange(0, trainingCount, 2);
        var odd = arange(1, trainingCount, 2);
        return (
            [
                Environment(Environments[0].Name, trainPixels.index_select(0, even), trainDigits.index_select(0, even), Environments[0].ColourFlip, generator),
                Environment(Environments[1].Name, trainPixels.index_select(0, odd), trainDigits.index_select(0, odd), Environments[1].ColourFlip, generator),
            ],
            Environment(Environments[2].Name, pixels.narrow(0, trainingCount, testCount), digits.narrow(0, trainingCount, testCount), Environments[2].ColourFlip, generator));
    }

    /// <summary>One environment: inputs [n, 2, 14, 14], labels [n].</summary>
    public static TrainingEnvironment Environment(string name, Tensor pixels, Tensor digits, double colourFlip, Generator generator)
    {
        long n = pixels.shape[0];
        var small = pixels.reshape(n, 28, 28).index(TensorIndex.Colon, TensorIndex.Slice(null, null, 2), TensorIndex.Slice(null, null, 2));
        var labels = Flip(digits.lt(5), LabelNoise, generator);
        var colours = Flip(labels, colourFlip, generator);

        // channel 0 holds the digit when its colour is 0, channel 1 when it is 1
        var red = small.mul(colours.logical_not().to(small.dtype).reshape(n, 1, 1));
        var green = small.mul(colours.to(small.dtype).reshape(n, 1, 1));
        return new TrainingEnvironment(name, stack([red, green], 1), labels.to(ScalarType.Float32));
    }

    private static Tensor Flip(Tensor bits, double probability, Generator generator) =>
        bits.logical_xor(rand(bits.shape[0], generator: generator).lt(probability));
}
