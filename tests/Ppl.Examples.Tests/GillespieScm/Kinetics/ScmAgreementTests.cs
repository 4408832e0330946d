using Ppl.Examples.GillespieScm.Kinetics;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.GillespieScm.Kinetics;

/// <summary>
/// The equilibrium SCM against the kinetic model under do(). Tolerances are 5 standard errors of
/// the simulated mean over independent cells (each cell read once after 10 relaxation times).
/// </summary>
[Collection("Sequential")]
public sealed class ScmAgreementTests
{
    private const long Cells = 3000;

    [Fact]
    public void TheScmProgramUnderDoDrawsItsExactInterventionalLaw()
    {
        using var scope = NewDisposeScope();
        var cascade = KineticsTestSupport.ThreeKinase();
        var intervention = KineticIntervention.Clamp(0, 5);
        var draws = EquilibriumScm.SampleInterventional(cascade, intervention, 2, 50_000, seed: 1).to(ScalarType.Float64);
        var exact = EquilibriumScm.InterventionalDistribution(cascade, intervention, 2);
        double se = Math.Sqrt(exact.Variance / 50_000);
        Assert.InRange(draws.mean().item<double>(), exact.Mean - (5 * se), exact.Mean + (5 * se));

        // the intervened site keeps its name, holds the clamped value, and its value is set, not drawn (no log-density)
        Func<long, Tensor[]> program = EquilibriumScm.Program(cascade);
        var trace = EquilibriumScm.Intervene(program, intervention, 100).Seed(2).GetTrace(100L);
        Assert.True(trace.Contains("X1"));
        Assert.True(trace["X1"].Value!.eq(5).all().item<bool>());
        Assert.False(trace["X1"].MaskAll);
    }

    [Fact]
    public void ClampingTheDirectParentGivesExactlyTheBinomial()
    {
        var cascade = KineticsTestSupport.ThreeKinase();
        var law = EquilibriumScm.InterventionalDistribution(cascade, KineticIntervention.Clamp(1, 4), 2);
        var binomial = CountDistribution.BinomialPmf(50, 0.5 * 4 / ((0.5 * 4) + 1.0));
        Assert.Equal(binomial.Length, law.Pmf.Length);
        for (int k = 0; k < binomial.Length; k++)
        {
            Assert.Equal(binomial[k], law.Pmf[k], 12);
        }
    }

    [Theory]
    [InlineData(1, 4, 2)] // do(X2 = 4) → X3
    [InlineData(0, 5, 1)] // do(X1 = 5) → X2
    public void SimulationAgreesWithTheScmWhenTheDirectParentIsClamped(int species, long value, int target)
    {
        using var scope = NewDisposeScope();
        var cascade = KineticsTestSupport.ThreeKinase();
        var intervention = KineticIntervention.Clamp(species, value);
        var (simulated, scm) = Compare(cascade, intervention, target, seed: 21);
        double se = Math.Sqrt(scm.Variance / Cells);
        Assert.InRange(simulated.Mean, scm.Mean - (5 * se), scm.Mean + (5 * se));

        // the whole law: chi-square against the SCM's Binomial
        double p = KineticsTestSupport.ChiSquarePValue(simulated, scm.Pmf);
        Assert.True(p > 1e-3, $"chi-square p = {p}");
    }

    [Fact]
    public void SimulationDisagreesWithTheScmWhenTheMiddleSpeciesFluctuatesFast()
    {
        // do(X1 = 5) → X3 with X2 twenty times faster than X3: X3 averages X2's drive, so its mean
        // is near 50·p3(E X2) = 33.3, above the SCM's E[50·p3(X2)] = 31.6, and its variance far smaller
        using var scope = NewDisposeScope();
        var cascade = KineticsTestSupport.ThreeKinase(x2Timescale: 20);
        var (simulated, scm) = Compare(cascade, KineticIntervention.Clamp(0, 5), 2, seed: 22);
        Assert.True(simulated.Variance < 0.5 * scm.Variance, $"sim var {simulated.Variance:F2} vs SCM var {scm.Variance:F2}");

        // the separation in absolute terms: with its variance below half the SCM's (above; the ceiling
        // allows for that sample variance's own noise), the simulated mean's standard error is at most
        // that of half the SCM's exact variance, and the gap must be five of those
        double se = Math.Sqrt(simulated.Variance / Cells);
        double ceiling = StandardErrorCeiling.OfMean(0.5 * scm.Variance, Cells);
        StandardErrorCeiling.Check(se, ceiling, "simulated X3 with fast X2");
        Assert.True(simulated.Mean - scm.Mean > 5 * ceiling, $"sim {simulated.Mean:F3} vs SCM {scm.Mean:F3}, se ceiling {ceiling:F3}");
    }

    [Fact]
    public void TheFastPathDoesNotLeakTensors()
    {
        var cascade = KineticsTestSupport.ThreeKinase();
        void RunOnce()
        {
            using var scope = NewDisposeScope();
            using var generator = new Generator(3, CPU);
            BatchedGillespie.Simulate(cascade, KineticIntervention.Clamp(1, 4), 200, [0, 0, 0], [1.0, 2.0, 4.0], generator);
        }

        LiveTensors.AssertNoLeak(RunOnce, repeats: 2);
    }

    private static (CountDistribution Simulated, CountDistribution Scm) Compare(Cascade cascade, KineticIntervention intervention, int target, long seed)
    {
        using var generator = new Generator((ulong)seed, CPU);
        double horizon = 10 / Math.Min(cascade.RelaxationRate(1, 0), cascade.RelaxationRate(2, 0));
        var result = BatchedGillespie.Simulate(cascade, intervention, Cells, [0, 0, 0], [horizon], generator);
        var simulated = CountDistribution.FromSamples(result.Of(target), cascade.Totals[target]);
        return (simulated, EquilibriumScm.InterventionalDistribution(cascade, intervention, target));
    }
}
