using Ppl.Examples.GwasDeconfounder;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.GwasDeconfounder;

/// <summary>Simulation B against its definition (Wang &amp; Blei's spatial setting), and the k-means that makes its groups.</summary>
[Collection("Sequential")]
public sealed class GwasSimulationTests
{
    [Fact]
    public void TheTraitHasTheDefinedShapeScaleAndCausalShare()
    {
        using var scope = NewDisposeScope();
        var data = GwasSimulation.Generate(seed: 3, units: 2000, causes: 400, a: 0.25);
        var g = data.Genotypes.to(float64);
        Assert.True(g.eq(0).logical_or(g.eq(1)).logical_or(g.eq(2)).all().item<bool>(), "genotypes are allele counts 0, 1, 2");
        Assert.True(g.std([0L]).gt(0).all().item<bool>(), "SNPs without variation are dropped");
        Assert.Equal(data.Causes, (int)data.Effects.shape[0]);

        // 10% of the SNPs are causal, and the trait is scaled so their part has standard deviation 10
        Assert.Equal(data.Causes / 10, (int)data.Effects.ne(0).sum().item<long>());
        double snpSd = g.matmul(data.Effects.unsqueeze(-1)).squeeze(-1).std().item<double>();
        Assert.Equal(10.0, snpSd, 6);
        Assert.Equal(0.0, data.Trait.to(float64).mean().item<double>(), 3);

        // SNPs 10%, groups 20%, noise 70% of the variance: the trait's variance is 10× the SNPs' part (up to the parts' sample covariances)
        double traitVariance = data.Trait.to(float64).var().item<double>();
        Assert.InRange(traitVariance / (snpSd * snpSd), 8.0, 12.0);
        var groups = data.Groups.to(int64);
        Assert.Equal(3, groups.unique().Item1.shape[0]);
    }

    [Fact]
    public void SmallerBetaParameterMeansStrongerPopulationStructure()
    {
        using var scope = NewDisposeScope();

        // the share of genotype variance between the three groups: Beta(0.1, 0.1) puts people at the corners
        double Between(double a)
        {
            var data = GwasSimulation.Generate(seed: 5, units: 1500, causes: 300, a: a);
            var g = data.Genotypes.to(float64);
            var total = g.var([0L]).mean().item<double>();
            var means = stack(Enumerable.Range(0, 3).Select(k => g.index(data.Groups.eq(k)).mean([0L])).ToArray());
            var weights = stack(Enumerable.Range(0, 3).Select(k => data.Groups.eq(k).to(float64).mean()).ToArray());
            var between = means.sub(g.mean([0L])).square().mul(weights.unsqueeze(-1)).sum([0L]).mean().item<double>();
            return between / total;
        }

        Assert.True(Between(0.1) > 1.5 * Between(1.0), $"between-group share {Between(0.1):F3} at a = 0.1 vs {Between(1.0):F3} at a = 1");
    }

    [Fact]
    public void KMeansFindsSeparatedClustersExactly()
    {
        using var scope = NewDisposeScope();
        var g = new Generator(7);
        var truth = randint(3, [300], generator: g);
        var centres = tensor(new double[,] { { 0, 0 }, { 10, 0 }, { 0, 10 } });
        var points = centres.index_select(0, truth).add(randn(300, 2, dtype: float64, generator: g));
        var labels = KMeans.Labels(points, 3, new Generator(1));

        // the same partition up to the clusters' names: every true cluster maps to one found cluster
        for (int k = 0; k < 3; k++)
        {
            var found = labels.index(truth.eq(k)).unique().Item1;
            Assert.Equal(1, found.shape[0]);
        }

        Assert.Equal(3, labels.unique().Item1.shape[0]);
    }
}
