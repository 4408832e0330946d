using Ppl.Examples.CompetingExpertsMnist;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.CompetingExpertsMnist;

public sealed class MechanismTests
{
    [Theory]
    [InlineData("left", 0, -4)]
    [InlineData("up", -4, 0)]
    [InlineData("right", 0, 4)]
    [InlineData("down", 4, 0)]
    [InlineData("up-left", -4, -4)]
    [InlineData("up-right", -4, 4)]
    [InlineData("down-left", 4, -4)]
    [InlineData("down-right", 4, 4)]
    public void TranslationsMoveEveryPixelFourStepsAndFillWithZero(string name, int down, int right)
    {
        using var scope = NewDisposeScope();
        var images = rand(2, 1, 32, 32, generator: new Generator(1));
        var moved = Mechanism.Parse(name)[0].Apply(images, new Generator(2));
        var source = images.data<float>().ToArray();
        var result = moved.data<float>().ToArray();
        for (int n = 0; n < 2; n++)
        {
            for (int row = 0; row < 32; row++)
            {
                for (int column = 0; column < 32; column++)
                {
                    int fromRow = row - down, fromColumn = column - right;
                    bool inside = fromRow is >= 0 and < 32 && fromColumn is >= 0 and < 32;
                    float expected = inside ? source[(n * 1024) + (fromRow * 32) + fromColumn] : 0f;
                    Assert.Equal(expected, result[(n * 1024) + (row * 32) + column]);
                }
            }
        }
    }

    [Fact]
    public void InversionAndNoiseActAsThePaperSays()
    {
        using var scope = NewDisposeScope();
        var images = rand(200, 1, 32, 32, generator: new Generator(3));
        var inverted = Mechanism.Parse("inversion")[0].Apply(images, new Generator(4));
        Assert.True(inverted.add(images).sub(1).abs().max().item<float>() < 1e-6f);

        // noise of variance 0.25, clamped: at a grey of 0.5, P(clamped) = 2·Φ(−1) ≈ 0.317 and the
        // clamped normal's variance is known; check both against their closed forms
        var grey = full(200, 1, 32, 32, 0.5f);
        var noisy = Mechanism.Parse("noise")[0].Apply(grey, new Generator(5));
        Assert.True(noisy.min().item<float>() >= 0 && noisy.max().item<float>() <= 1);
        double clamped = noisy.eq(0).logical_or(noisy.eq(1)).to(float64).mean().item<double>();
        double expectedClamped = 2 * MathNet.Numerics.Distributions.Normal.CDF(0, 1, -1);
        Assert.True(Math.Abs(clamped - expectedClamped) < 0.01, $"clamped share {clamped}, closed form {expectedClamped}");
    }

    [Fact]
    public void MechanismsAreChosenByCountOrName()
    {
        Assert.Equal(["inversion", "noise", "left", "up"], Mechanism.Parse("4").Select(m => m.Name));
        Assert.Equal(10, Mechanism.Parse("10").Count);
        Assert.Equal(["inversion", "right"], Mechanism.Parse("inversion, right").Select(m => m.Name));
        Assert.Contains("unknown mechanism 'sideways'", Assert.Throws<ArgumentException>(() => Mechanism.Parse("left,sideways")).Message, StringComparison.Ordinal);
        Assert.Contains("1 … 10", Assert.Throws<ArgumentException>(() => Mechanism.Parse("11")).Message, StringComparison.Ordinal);
        Assert.Contains("distinct", Assert.Throws<ArgumentException>(() => Mechanism.Parse("left,left")).Message, StringComparison.Ordinal);
    }
}
