using Ppl.Examples.GillespieScm.Kinetics;
using static Ppl.Tests.Examples.GillespieScm.Kinetics.KineticsTestSupport;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.GillespieScm.Kinetics;

/// <summary>
/// One activation/deactivation pair: each of T molecules is an independent two-state chain, so the
/// stationary count is Binomial(T, a / (a + d)). Samples are taken across independent cells at
/// one time long after the start (12 relaxation times: the start's influence is e^-12), so they
/// are independent draws, which a chi-square test needs (time averages of one trajectory are not).
/// </summary>
[Collection("Sequential")]
public sealed class StationaryDistributionTests
{
    private static readonly Cascade Single = new([12], [0.7], [1.3]);
    private static readonly double Probability = 0.7 / (0.7 + 1.3);
    private static readonly double Horizon = 12 / Single.RelaxationRate(0, 0);

    [Fact]
    public void FastPathMatchesTheBinomialByChiSquare()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(11, CPU);
        var result = BatchedGillespie.Simulate(Single, KineticIntervention.None, 4000, [0], [Horizon], generator);
        var observed = CountDistribution.FromSamples(result.Of(0), 12);
        double p = ChiSquarePValue(observed, CountDistribution.BinomialPmf(12, Probability));
        Assert.True(p > 1e-3, $"chi-square p = {p}");
    }

    [Fact]
    public void FastPathMatchesTheExactTransientLawBeforeEquilibrium()
    {
        // independent molecules started inactive: at time t each is active with p·(1 − e^(−λt)), exactly
        using var scope = NewDisposeScope();
        using var generator = new Generator(12, CPU);
        double t = 0.4;
        var result = BatchedGillespie.Simulate(Single, KineticIntervention.None, 4000, [0], [t, Horizon], generator);
        double pt = Probability * (1 - Math.Exp(-Single.RelaxationRate(0, 0) * t));
        var observed = CountDistribution.FromSamples(result.Of(0, 0), 12);
        double p = ChiSquarePValue(observed, CountDistribution.BinomialPmf(12, pt));
        Assert.True(p > 1e-3, $"chi-square p = {p}");
    }

    [Fact]
    public void PplProgramMatchesTheBinomialByChiSquare()
    {
        using var scope = NewDisposeScope();
        var run = new GillespieRun(Single, [0], Horizon);
        random.manual_seed(13); // one global stream: runs are independent, and no per-site generators are made
        var finals = new double[500];
        for (int i = 0; i < finals.Length; i++)
        {
            using var perRun = NewDisposeScope();
            finals[i] = GillespieProgram.Simulate(run)[0].item<double>();
        }

        var observed = CountDistribution.FromSamples(tensor(finals), 12);
        double p = ChiSquarePValue(observed, CountDistribution.BinomialPmf(12, Probability));
        Assert.True(p > 1e-3, $"chi-square p = {p}");
    }

    [Fact]
    public void TheChiSquareTestRejectsAWrongProbability()
    {
        // the same sample against Binomial(12, p + 0.05) must fail, or the tests above prove nothing
        using var scope = NewDisposeScope();
        using var generator = new Generator(11, CPU);
        var result = BatchedGillespie.Simulate(Single, KineticIntervention.None, 4000, [0], [Horizon], generator);
        var observed = CountDistribution.FromSamples(result.Of(0), 12);
        Assert.True(ChiSquarePValue(observed, CountDistribution.BinomialPmf(12, Probability + 0.05)) < 1e-3);
    }
}
