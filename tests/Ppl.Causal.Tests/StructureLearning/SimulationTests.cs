using Ppl.Causal;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.StructureLearning;

/// <summary>Random DAGs, weights and linear SEM data against their definitions and closed forms.</summary>
public sealed class SimulationTests
{
    [Fact]
    public void ErdosRenyiHasExactlyS0EdgesAndIsADag()
    {
        using var scope = NewDisposeScope();
        for (int seed = 0; seed < 20; seed++)
        {
            var b = RandomDag.Structure(10, 20, RandomGraphType.ErdosRenyi, new Random(seed));
            Assert.Equal(20.0, b.sum().item<double>());
            Assert.True(Dag.IsDag(b));
            Assert.Equal(0.0, b.diagonal().abs().sum().item<double>());
            Assert.Equal(0.0, b.mul(b.T).sum().item<double>()); // no pair in both directions
        }
    }

    [Fact]
    public void ErdosRenyiPairsAreUniform()
    {
        // Each of the 45 pairs of d = 10 is in the skeleton with probability 20/45; over 400 graphs its
        // count is Binomial(400, 4/9): sd ≈ 9.9, so every count within 45 of 177.8 (4.5 sd).
        using var scope = NewDisposeScope();
        var counts = zeros(10, 10, dtype: float64);
        for (int seed = 0; seed < 400; seed++)
        {
            var b = RandomDag.Structure(10, 20, RandomGraphType.ErdosRenyi, new Random(seed));
            counts = counts.add(b.add(b.T));
        }

        var offDiagonal = counts.masked_select(eye(10, dtype: ScalarType.Bool).logical_not());
        Assert.True(offDiagonal.sub(400.0 * 20 / 45).abs().max().item<double>() < 45);
    }

    [Fact]
    public void ScaleFreeIsADagWithMEdgesPerNewNode()
    {
        using var scope = NewDisposeScope();
        for (int seed = 0; seed < 20; seed++)
        {
            var b = RandomDag.Structure(20, 80, RandomGraphType.ScaleFree, new Random(seed));
            Assert.True(Dag.IsDag(b));

            // m = 4: node t links to min(4, t) older nodes: 0 + 1 + 2 + 3 + 16·4 = 70 edges
            Assert.Equal(70.0, b.sum().item<double>());
            var outDegrees = b.sum([1L]).data<double>().ToArray();
            Assert.Equal(16, outDegrees.Count(o => o == 4));
        }
    }

    [Fact]
    public void SameSeedSameGraphAndData()
    {
        using var scope = NewDisposeScope();
        Tensor Draw(int seed)
        {
            var random = new Random(seed);
            var w = RandomDag.Weights(RandomDag.Structure(8, 16, RandomGraphType.ErdosRenyi, random), random);
            return LinearSem.Sample(w, 50, SemNoise.Gaussian, random);
        }

        Assert.True(Draw(3).eq(Draw(3)).all().item<bool>());
        Assert.False(Draw(3).eq(Draw(4)).all().item<bool>());
    }

    [Fact]
    public void WeightsAreInTheAllowedSetOnEdgesOnly()
    {
        using var scope = NewDisposeScope();
        var random = new Random(5);
        var b = RandomDag.Structure(30, 120, RandomGraphType.ErdosRenyi, random);
        var w = RandomDag.Weights(b, random);
        Assert.True(w.ne(0).to(float64).eq(b).all().item<bool>());
        var magnitudes = w.masked_select(w.ne(0)).abs();
        Assert.True(magnitudes.min().item<double>() >= 0.5);
        Assert.True(magnitudes.max().item<double>() <= 2.0);
        long negatives = w.lt(0).sum().item<long>();
        Assert.InRange(negatives, 40, 80); // Binomial(120, ½): sd 5.5
    }

    [Fact]
    public void GaussianSampleCovarianceMatchesTheClosedForm()
    {
        using var scope = NewDisposeScope();
        var random = new Random(11);
        var w = RandomDag.Weights(RandomDag.Structure(5, 6, RandomGraphType.ErdosRenyi, random), random);
        var x = LinearSem.Sample(w, 200_000, SemNoise.Gaussian, random);
        var centred = x.sub(x.mean([0L], keepdim: true));
        var sample = centred.T.matmul(centred).div(x.shape[0]);
        var sigma = LinearSem.PopulationCovariance(w);

        // closed form by hand: Σ = (I − W)⁻ᵀ(I − W)⁻¹
        var inverse = linalg.inv(eye(5, dtype: float64).sub(w));
        Assert.True(sigma.allclose(inverse.T.matmul(inverse), rtol: 0, atol: 1e-12));

        // entries relative to √(Σii Σjj): sampling sd ≈ 1/√n · √2 ≈ 0.003
        var scale = sigma.diagonal().sqrt();
        var relative = sample.sub(sigma).div(scale.unsqueeze(0)).div(scale.unsqueeze(1));
        Assert.True(relative.abs().max().item<double>() < 0.02);
    }

    [Fact]
    public void NonGaussianNoisesHaveTheirMomentsOnARootNode()
    {
        using var scope = NewDisposeScope();
        var w = zeros(2, 2, dtype: float64);
        var exponential = LinearSem.Sample(w, 100_000, SemNoise.Exponential, new Random(1), scale: 2.0);
        Assert.Equal(2.0, exponential.mean().item<double>(), 0.03);
        Assert.Equal(4.0, exponential.var().item<double>(), 0.15);
        var gumbel = LinearSem.Sample(w, 100_000, SemNoise.Gumbel, new Random(2));
        Assert.Equal(0.5772156649, gumbel.mean().item<double>(), 0.02);
        Assert.Equal(Math.PI * Math.PI / 6, gumbel.var().item<double>(), 0.05);
        var logistic = LinearSem.Sample(w, 1000, SemNoise.Logistic, new Random(3));
        Assert.True(logistic.eq(0).logical_or(logistic.eq(1)).all().item<bool>());
    }

    [Fact]
    public void InvalidInputsAreRejected()
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomDag.Structure(4, 7, RandomGraphType.ErdosRenyi, new Random(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomDag.Structure(0, 0, RandomGraphType.ScaleFree, new Random(0)));
        var cycle = tensor(new double[] { 0, 1, 1, 0 }, [2, 2], dtype: float64);
        var e = Assert.Throws<ArgumentException>(() => LinearSem.Sample(cycle, 10, SemNoise.Gaussian, new Random(0)));
        Assert.Contains("cycle", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => LinearSem.Sample(zeros(2, 3, dtype: float64), 10, SemNoise.Gaussian, new Random(0)));
    }
}
