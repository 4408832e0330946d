using Ppl.Examples.GillespieScm.Kinetics;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.GillespieScm.Kinetics;

/// <summary>Counterfactuals in the threshold form of the equilibrium SCM.</summary>
[Collection("Sequential")]
public sealed class CounterfactualTests
{
    private static readonly Cascade Cascade = KineticsTestSupport.ThreeKinase();
    private static readonly long[] Observed = [5, 3, 25];

    [Fact]
    public void AbductedNoiseReproducesTheEvidence()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(1, CPU);
        var noise = ThresholdScm.AbductNoise(Cascade, Observed, 1000, generator);
        Func<long, Tensor[]> program = n => ThresholdScm.Model(Cascade, n);
        var values = program.Substitute(noise)(1000L);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(values[i].eq(Observed[i]).all().item<bool>(), $"X{i + 1} does not reproduce the evidence");
        }
    }

    [Fact]
    public void ANoOpInterventionGivesTheFactualValue()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(2, CPU);
        var x3 = ThresholdScm.Counterfactual(Cascade, Observed, KineticIntervention.Clamp(1, 3), 2, 1000, generator);
        Assert.True(x3.eq(25).all().item<bool>());
    }

    [Theory]
    [InlineData(8)] // p3 rises from 0.6 to 0.8: 25 + Binomial(25, 0.5)
    [InlineData(1)] // p3 falls to 1/3: Binomial(25, 5/9)
    public void TheCounterfactualMeanMatchesTheClosedForm(long parentValue)
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(3, CPU);
        const long draws = 20_000;
        var x3 = ThresholdScm.Counterfactual(Cascade, Observed, KineticIntervention.Clamp(1, parentValue), 2, draws, generator).to(ScalarType.Float64);
        double expected = ThresholdScm.DirectCounterfactualMean(Cascade, Observed, 2, parentValue);
        double se = x3.std().item<double>() / Math.Sqrt(draws);
        double ceiling = StandardErrorCeiling.OfMean(DirectCounterfactualVariance(parentValue), draws);
        StandardErrorCeiling.Check(se, ceiling, $"X3 counterfactual, X2 = {parentValue}");
        Assert.InRange(x3.mean().item<double>(), expected - (5 * se), expected + (5 * se));

        // and it is not the interventional mean: the evidence about U3 carries over. The gap is ten of
        // the largest standard errors theory allows, so the check above excludes the interventional mean
        double interventional = EquilibriumScm.InterventionalDistribution(Cascade, KineticIntervention.Clamp(1, parentValue), 2).Mean;
        Assert.True(Math.Abs(expected - interventional) > 10 * ceiling, $"counterfactual {expected} vs interventional {interventional}, ceiling {ceiling:G3}");
    }

    /// <summary>
    /// The variance of the counterfactual X3 in the threshold SCM: each of the T molecules is active
    /// when its uniform noise is below the activation probability, so the k observed active ones
    /// have U &lt; p and the others U &gt; p. Raising p to q switches each inactive one on with chance
    /// (q − p)/(1 − p): k + Binomial(T − k, ·); lowering it keeps each active one with chance q/p:
    /// Binomial(k, q/p).
    /// </summary>
    private static double DirectCounterfactualVariance(long parentValue)
    {
        double p = Cascade.ActiveProbability(2, Observed[1]), q = Cascade.ActiveProbability(2, parentValue);
        double k = Observed[2], total = Cascade.Totals[2];
        double r = q > p ? (q - p) / (1 - p) : q / p;
        return (q > p ? total - k : k) * r * (1 - r);
    }
}
