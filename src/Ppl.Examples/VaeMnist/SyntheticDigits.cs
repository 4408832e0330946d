using static TorchSharp.torch;

namespace Ppl.Examples.VaeMnist;

/// <summary>
/// Stand-in images for smoke runs and tests, which never download: 28 × 28 gray images of one
/// bright bar (horizontal or vertical, at a random row or column, with soft edges), so a VAE has
/// structure to learn within seconds.
/// </summary>
internal static class SyntheticDigits
{
    /// <summary><paramref name="count"/> images as [count, 784] pixels in [0, 1], drawn from <paramref name="seed"/>.</summary>
    public static Tensor Pixels(int count, long seed)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(unchecked((ulong)seed));
        var position = randint(4, 24, [count, 1, 1], generator: generator).to(ScalarType.Float32);
        var vertical = randint(0, 2, [count, 1, 1], generator: generator).to(ScalarType.Bool);
        var rows = arange(28, dtype: ScalarType.Float32).reshape(1, 28, 1).expand(count, 28, 28);
        var columns = arange(28, dtype: ScalarType.Float32).reshape(1, 1, 28).expand(count, 28, 28);
        var distance = where(vertical, columns, rows).sub(position).abs();
        var images = distance.square().mul(-0.5).exp();
        return images.reshape(count, 784).MoveToOuterDisposeScope();
    }
}
