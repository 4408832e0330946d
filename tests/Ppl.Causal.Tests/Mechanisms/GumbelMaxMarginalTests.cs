using Ppl.Causal;
using Ppl.Distributions;
using static Ppl.Tests.Causal.Mechanisms.MechanismCases;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Mechanisms;

/// <summary>
/// Abduction is exact iff averaging the noise posterior over observations drawn from the model
/// gives back the prior: p(g) = Σ_x P(x) p(g | x).
/// </summary>
[Collection("Sequential")]
public sealed class GumbelMaxMarginalTests
{
    private const int Draws = 20_000;

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void CategoricalPosteriorAveragedOverObservationsIsThePrior(ScalarType dtype)
    {
        var gen = new Generator(21, CPU);
        var logits = tensor(new[] { 1.5, -0.5, double.NegativeInfinity, 0.2, -3.0 }, dtype: dtype);
        var observed = Categorical.FromLogits(logits).Sample(gen, Draws);
        var noise = GumbelMax.SamplePosterior(logits, observed, null, gen);
        Assert.Equal(new long[] { Draws, 5 }, noise.shape);
        var values = Values(noise);
        for (int k = 0; k < 5; k++)
        {
            GoodnessOfFit.AssertFits(GoodnessOfFit.KolmogorovSmirnov(Column(values, 5, k), GumbelCdf), $"{dtype} coordinate {k}");
        }
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void BernoulliPosteriorAveragedOverObservationsIsThePrior(ScalarType dtype)
    {
        var gen = new Generator(22, CPU);
        foreach (double l in new[] { 0.7, -4.0 })
        {
            var logit = tensor(l, dtype: dtype);
            var observed = Bernoulli.FromLogits(logit).Sample(gen, Draws);
            var noise = GumbelMaxBernoulli.SamplePosterior(logit, observed, null, gen);
            Assert.Equal(new long[] { Draws }, noise.shape);
            GoodnessOfFit.AssertFits(GoodnessOfFit.KolmogorovSmirnov(Values(noise), LogisticCdf), $"{dtype} logit {l}");
        }
    }
}
