using MathNet.Numerics.Distributions;
using Ppl.Inference.Mcmc;

namespace Ppl.Tests.Inference.Mcmc;

/// <summary>R̂, ESS and MCSE against values worked by hand and against series with known autocorrelation.</summary>
public sealed class McmcDiagnosticsTests
{
    [Fact]
    public void SplitRHatOfTwoShortChainsIsTheHandWorkedValue()
    {
        // halves [1,2] [3,4] [2,3] [4,5]: means 1.5 3.5 2.5 4.5, grand mean 3, B = 2/3 · 5, W = 0.5,
        // var⁺ = ½ · 0.5 + B / 2 = 23/12, R̂ = √(var⁺ / W) = √(23/6)
        double rHat = McmcDiagnostics.SplitRHat([[1, 2, 3, 4], [2, 3, 4, 5]]);
        Assert.Equal(Math.Sqrt(23.0 / 6), rHat, 12);
    }

    [Fact]
    public void IndependentDrawsMixAndCountInFull()
    {
        var chains = Chains(4, 2000, seed: 1, rho: 0);
        double rHat = McmcDiagnostics.RHat(chains);
        double bulk = McmcDiagnostics.BulkEss(chains), tail = McmcDiagnostics.TailEss(chains);
        Assert.InRange(rHat, 0.99, 1.01);
        Assert.InRange(bulk, 0.8 * 8000, 1.25 * 8000);
        Assert.InRange(tail, 0.6 * 8000, 1.25 * 8000);
    }

    [Fact]
    public void AnAr1SeriesHasTheTheoreticalEssAndMcse()
    {
        // x_t = ρ x_{t−1} + ε_t: τ = (1 + ρ)/(1 − ρ) = 3 at ρ = ½, and Var(x) = 1/(1 − ρ²), so the mean of S draws
        // has standard error √(Var(x) · τ / S)
        const double rho = 0.5;
        var chains = Chains(4, 10000, seed: 2, rho);
        double draws = 40000, tau = (1 + rho) / (1 - rho);
        double ess = McmcDiagnostics.Ess(chains);
        Assert.InRange(ess, 0.85 * draws / tau, 1.15 * draws / tau);
        Assert.InRange(McmcDiagnostics.BulkEss(chains), 0.85 * draws / tau, 1.15 * draws / tau);
        double mcse = McmcDiagnostics.Mcse(chains);
        double expected = Math.Sqrt(1 / (1 - (rho * rho)) * tau / draws);
        Assert.InRange(mcse, 0.9 * expected, 1.1 * expected);
    }

    [Fact]
    public void AChainStuckElsewhereRaisesRHat()
    {
        var chains = Chains(4, 1000, seed: 3, rho: 0);
        chains[3] = chains[3].Select(v => v + 1).ToArray();
        Assert.True(McmcDiagnostics.RHat(chains) > 1.1, $"R̂ {McmcDiagnostics.RHat(chains)}");

        // a chain whose spread differs is caught by the folded (tail) half of R̂, not by the bulk
        var wide = Chains(4, 1000, seed: 4, rho: 0);
        wide[0] = wide[0].Select(v => 3 * v).ToArray();
        Assert.True(McmcDiagnostics.RHat(wide) > 1.05, $"R̂ {McmcDiagnostics.RHat(wide)}");
    }

    [Fact]
    public void AntitheticDrawsCountForMoreThanTheirNumberUpToStansCap()
    {
        // x_t = −x_{t−1} + small noise: the mean converges faster than independent draws would, ESS > S
        var chains = Chains(4, 1000, seed: 5, rho: -0.5);
        double ess = McmcDiagnostics.Ess(chains);
        double tau = 0.5 / 1.5;
        Assert.InRange(ess, 0.8 * 4000 / tau, Math.Min(1.2 * 4000 / tau, 4000 * Math.Log10(4000)));

        // constant draws: nothing varies, every draw counts
        Assert.Equal(8.0, McmcDiagnostics.Ess([[2, 2, 2, 2], [2, 2, 2, 2]]));
    }

    [Fact]
    public void BadDrawsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => McmcDiagnostics.RHat([[1, 2, 3, 4], [1, 2, 3]]));
        Assert.Throws<ArgumentException>(() => McmcDiagnostics.Ess([[1, 2, 3]]));
        Assert.Throws<ArgumentException>(() => McmcDiagnostics.BulkEss([[1, 2, double.NaN, 4]]));
    }

    private static double[][] Chains(int count, int length, int seed, double rho)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ =>
        {
            var chain = new double[length];
            double x = Normal.Sample(random, 0, 1 / Math.Sqrt(1 - (rho * rho)));
            for (int t = 0; t < length; t++)
            {
                x = (rho * x) + Normal.Sample(random, 0, 1);
                chain[t] = x;
            }

            return chain;
        }).ToArray();
    }
}
