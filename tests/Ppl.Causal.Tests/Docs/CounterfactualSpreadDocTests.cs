using MyModels;
using Xunit.Abstractions;
using static TorchSharp.torch;
using MathNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Causal.Docs;

/// <summary>
/// The counterfactual-distribution example in docs/causal.md is the compiled file
/// CounterfactualSpread.cs word for word, and its numbers are the closed form's.
/// </summary>
[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class CounterfactualSpreadDocTests(ITestOutputHelper output)
{
    [Fact]
    public void TheDocsExampleIsTheCompiledFile() =>
        Assert.Equal(
            DocSnippet.CompiledFile("CounterfactualSpread.cs", "Ppl.Causal.Tests"),
            DocSnippet.FirstBlockAfter("causal.md", "### The counterfactual distribution"));

    [Fact]
    public void TheExampleGivesTheClosedFormVarianceAndQuantiles()
    {
        using var scope = NewDisposeScope();
        var (cf, variance, quantiles) = CounterfactualSpread.WhatIf();
        output.WriteLine(cf.ToString());

        // the page's SCM is LinearScm with α = 1, σx = 1: Y_cf | x, z = N(E[Y | x, z] + 2(x' − x), Var[Y | x, z])
        var scm = new LinearScm(Alpha: 1, SigmaX: 1);
        var (mean, cov) = scm.Condition([2], [1, 3], [0.8, 1.1]);
        double exactMean = mean[0] + (2 * (-1.0 - 0.8)), exactVariance = cov[0, 0], sd = Math.Sqrt(exactVariance);
        Assert.Equal(0.1620, exactVariance, 4); // what the page says
        double essFloor = scm.LikelihoodWeightingEss([1, 3], [0.8, 1.1], 100_000) / (StandardErrorCeiling.WeightedHeadroom * StandardErrorCeiling.WeightedHeadroom);
        Assert.True(cf.EffectiveSampleSize >= essFloor, $"ESS {cf.EffectiveSampleSize:F0} below {essFloor:F0}");
        Assert.InRange(variance, exactVariance * (1 - (5 * Math.Sqrt(2 / essFloor))), exactVariance * (1 + (5 * Math.Sqrt(2 / essFloor))));
        double[] levels = [0.05, 0.5, 0.95];
        double[] documented = [-2.758, -2.096, -1.434];
        for (int k = 0; k < 3; k++)
        {
            double exact = MathNormal.InvCDF(exactMean, sd, levels[k]);
            Assert.Equal(documented[k], exact, 3);
            double tolerance = 5 * Math.Sqrt(levels[k] * (1 - levels[k]) / essFloor) / MathNormal.PDF(0, 1, MathNormal.InvCDF(0, 1, levels[k])) * sd;
            Assert.InRange(quantiles[k], exact - tolerance, exact + tolerance);
        }
    }
}
