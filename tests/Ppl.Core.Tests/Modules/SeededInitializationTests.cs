using Ppl.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Tests.Modules;

public class SeededInitializationTests
{
    [Fact]
    public void LinearAndConvolutionDrawsAreUniformOnPlusMinusOneOverSqrtFanIn()
    {
        var net = SeededInitialization.Apply(nn.Sequential(nn.Linear(400, 300), nn.Conv2d(16, 200, 5)), seed: 1);
        var layers = net.parameters().ToList();
        (Tensor Values, double FanIn)[] cases = [(layers[0], 400), (layers[1], 400), (layers[2], 16 * 5 * 5), (layers[3], 16 * 5 * 5)];
        foreach (var (values, fanIn) in cases)
        {
            double bound = 1 / Math.Sqrt(fanIn);
            var v = values.detach().to_type(ScalarType.Float64);
            Assert.True(v.abs().max().item<double>() <= bound * (1 + 1e-6), $"a draw beyond ±{bound}");
            if (v.numel() >= 10_000)
            {
                // U(−b, b): mean 0, variance b²/3; with ≥ 10⁴ draws both estimates are within 4 standard errors
                double n = v.numel();
                Assert.InRange(v.mean().item<double>(), -4 * bound / Math.Sqrt(3 * n), 4 * bound / Math.Sqrt(3 * n));
                double variance = v.square().mean().item<double>();
                double expected = bound * bound / 3;
                Assert.InRange(variance, expected * (1 - (4 * Math.Sqrt(0.8 / n))), expected * (1 + (4 * Math.Sqrt(0.8 / n))));
            }
        }
    }

    [Fact]
    public async Task OneSeedGivesOneNetworkWhileAnotherThreadDrawsFromTheGlobalGenerator()
    {
        static nn.Module Build(long seed) => SeededInitialization.Apply(nn.Sequential(nn.Linear(50, 40), nn.Tanh(), nn.Linear(40, 3)), seed);
        var expected = Build(8).parameters().Select(p => p.detach().clone()).ToList();
        using var stop = new CancellationTokenSource();
        var noise = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                using var scope = NewDisposeScope();
                _ = rand(100);
            }
        });
        try
        {
            for (int attempt = 0; attempt < 50; attempt++)
            {
                var actual = Build(8).parameters().ToList();
                for (int i = 0; i < expected.Count; i++)
                {
                    Assert.True(expected[i].equal(actual[i]).all().item<bool>(), $"parameter {i} differs on attempt {attempt}");
                }
            }
        }
        finally
        {
            stop.Cancel();
            await noise;
        }

        Assert.False(Build(9).parameters().First().equal(expected[0]).all().item<bool>(), "seeds 8 and 9 gave the same weights");
    }

    [Fact]
    public void AGeneratorGoesOnFromWhereTheFirstNetworkLeftIt()
    {
        using var generator = new Generator(5);
        var first = SeededInitialization.Apply(nn.Linear(10, 10), generator);
        var second = SeededInitialization.Apply(nn.Linear(10, 10), generator);
        Assert.False(first.weight!.equal(second.weight!).all().item<bool>(), "two networks drawn from one generator should differ");

        // the second network's weights are the generator's next draws after the first's weight and bias
        using var replay = new Generator(5);
        double bound = 1 / Math.Sqrt(10);
        _ = empty(10, 10).uniform_(-bound, bound, replay);
        _ = empty(10).uniform_(-bound, bound, replay);
        var expected = empty(10, 10).uniform_(-bound, bound, replay);
        Assert.True(expected.sub(second.weight!).abs().max().item<float>() < 1e-7, "the second network is not the generator's continuation");
    }

    [Fact]
    public void NormalizationLayersKeepOnesAndZeros()
    {
        var net = SeededInitialization.Apply(nn.Sequential(nn.Conv2d(1, 4, 3), nn.BatchNorm2d(4), nn.LayerNorm(6)), seed: 2);
        var norms = net.named_parameters().Where(p => !p.name.StartsWith("0.", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, norms.Count);
        foreach (var (name, p) in norms)
        {
            double target = name.EndsWith("weight", StringComparison.Ordinal) ? 1 : 0;
            Assert.True(p.sub(target).abs().max().item<float>() == 0, $"{name} changed");
        }
    }

    [Fact]
    public void ALayerWithoutAKnownInitializationIsRefusedByName()
    {
        var ex = Assert.Throws<NotSupportedException>(() => SeededInitialization.Apply(nn.Sequential(("proj", nn.Linear(3, 3)), ("table", nn.Embedding(10, 3))), seed: 0));
        Assert.Contains("'table'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("Embedding", ex.Message, StringComparison.Ordinal);
    }
}
