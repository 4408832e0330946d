using MathNet.Numerics.Distributions;

namespace Ppl.Inference.Mcmc;

/// <summary>
/// Convergence diagnostics of MCMC draws with Stan's definitions (Vehtari, Gelman, Simpson, Carpenter &amp;
/// Bürkner, <i>Rank-normalization, folding, and localization: an improved R̂</i>, Bayesian Analysis 2021): every
/// chain is split in half, so a chain that drifts disagrees with itself; R̂ compares between- and within-chain
/// variance; the effective sample size sums the chains' combined autocorrelation with Geyer's initial monotone
/// sequence. Draws are given chain by chain, every chain the same length (at least 4 draws).
/// </summary>
public static class McmcDiagnostics
{
    /// <summary>The classic split R̂ of the draws themselves.</summary>
    public static double SplitRHat(IReadOnlyList<double[]> chains) => RHat(Split(Check(chains)));

    /// <summary>
    /// Stan's R̂: the larger of the split R̂ of the rank-normalized draws (bulk) and of the rank-normalized
    /// distances from the median (tails). Below 1.01 is the usual bar.
    /// </summary>
    public static double RHat(IReadOnlyList<double[]> chains)
    {
        var split = Split(Check(chains));
        return Math.Max(RHat(RankNormalize(split)), RHat(RankNormalize(Fold(split))));
    }

    /// <summary>The effective sample size of the mean of the draws themselves (what <see cref="Mcse"/> uses).</summary>
    public static double Ess(IReadOnlyList<double[]> chains) => EffectiveSize(Split(Check(chains)));

    /// <summary>Bulk ESS: the effective sample size of the rank-normalized split draws.</summary>
    public static double BulkEss(IReadOnlyList<double[]> chains) => EffectiveSize(RankNormalize(Split(Check(chains))));

    /// <summary>Tail ESS: the smaller effective sample size of the indicators of the 5 % and 95 % quantiles.</summary>
    public static double TailEss(IReadOnlyList<double[]> chains)
    {
        var split = Split(Check(chains));
        var all = split.SelectMany(c => c).OrderBy(v => v).ToArray();
        double low = Quantile(all, 0.05), high = Quantile(all, 0.95);
        return Math.Min(
            EffectiveSize(split.Select(c => c.Select(v => v <= low ? 1.0 : 0.0).ToArray()).ToArray()),
            EffectiveSize(split.Select(c => c.Select(v => v <= high ? 1.0 : 0.0).ToArray()).ToArray()));
    }

    /// <summary>The Monte Carlo standard error of the mean: the draws' standard deviation over √ESS.</summary>
    public static double Mcse(IReadOnlyList<double[]> chains)
    {
        var all = Check(chains).SelectMany(c => c).ToArray();
        double mean = all.Average();
        double variance = all.Sum(v => (v - mean) * (v - mean)) / (all.Length - 1);
        return Math.Sqrt(variance / Ess(chains));
    }

    private static double[][] Check(IReadOnlyList<double[]> chains)
    {
        ArgumentNullException.ThrowIfNull(chains);
        if (chains.Count == 0 || chains.Any(c => c is null || c.Length != chains[0].Length) || chains[0].Length < 4)
        {
            throw new ArgumentException($"McmcDiagnostics: give one or more chains of equal length, at least 4 draws each; got lengths [{string.Join(", ", chains.Select(c => c?.Length ?? -1))}].", nameof(chains));
        }

        if (chains.Any(c => c.Any(v => !double.IsFinite(v))))
        {
            throw new ArgumentException("McmcDiagnostics: a draw is NaN or infinite; diagnose the sampler (divergences, a bad init) before its draws.", nameof(chains));
        }

        return chains.ToArray();
    }

    /// <summary>Each chain's first and second half as two chains (an odd middle draw is dropped, as Stan does).</summary>
    private static double[][] Split(double[][] chains)
    {
        int half = chains[0].Length / 2;
        return chains.SelectMany(c => new[] { c[..half], c[^half..] }).ToArray();
    }

    private static double[][] Fold(double[][] chains)
    {
        var all = chains.SelectMany(c => c).OrderBy(v => v).ToArray();
        double median = Quantile(all, 0.5);
        return chains.Select(c => c.Select(v => Math.Abs(v - median)).ToArray()).ToArray();
    }

    /// <summary>Draws replaced by Φ⁻¹((rank − 3/8) / (S + 1/4)), ranks over all chains, ties sharing their average rank.</summary>
    private static double[][] RankNormalize(double[][] chains)
    {
        int n = chains[0].Length;
        var order = chains.SelectMany((c, m) => c.Select((v, i) => (Value: v, Chain: m, Draw: i))).OrderBy(d => d.Value).ToArray();
        var result = chains.Select(c => new double[n]).ToArray();
        double size = order.Length;
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && order[end + 1].Value == order[start].Value)
            {
                end++;
            }

            double rank = ((start + end) / 2.0) + 1;
            double z = Normal.InvCDF(0, 1, (rank - 0.375) / (size + 0.25));
            for (int k = start; k <= end; k++)
            {
                result[order[k].Chain][order[k].Draw] = z;
            }

            start = end + 1;
        }

        return result;
    }

    private static double RHat(double[][] chains)
    {
        var (within, plus) = Variances(chains);
        return Math.Sqrt(plus / within);
    }

    /// <summary>W, the mean within-chain variance, and var⁺ = (n − 1)/n · W + B/n.</summary>
    private static (double Within, double Plus) Variances(double[][] chains)
    {
        int m = chains.Length, n = chains[0].Length;
        var means = chains.Select(c => c.Average()).ToArray();
        double grand = means.Average();
        double between = m > 1 ? n * means.Sum(x => (x - grand) * (x - grand)) / (m - 1) : 0;
        double within = chains.Select((c, i) => c.Sum(v => (v - means[i]) * (v - means[i])) / (n - 1)).Average();
        return (within, ((n - 1.0) / n * within) + (between / n));
    }

    /// <summary>
    /// M·N / τ with τ = −1 + 2 Σ P̂ₖ (+ ρ̂ at the first dropped pair's even lag, when positive), P̂ₖ = ρ̂₂ₖ + ρ̂₂ₖ₊₁
    /// summed while positive and made non-increasing (Geyer's initial monotone sequence); ρ̂ₜ = 1 − (W − mean of
    /// the chains' autocovariances at lag t) / var⁺; τ is at least 1 / log₁₀(M·N), as Stan caps it.
    /// </summary>
    private static double EffectiveSize(double[][] chains)
    {
        int m = chains.Length, n = chains[0].Length;
        var (within, plus) = Variances(chains);
        if (within == 0 && plus == 0)
        {
            // constant draws: every draw says the same, as Stan's posterior package counts it
            return m * n;
        }

        var centred = chains.Select(c =>
        {
            double mean = c.Average();
            return c.Select(v => v - mean).ToArray();
        }).ToArray();

        // the chains' autocovariance at lag t, biased (divided by n) as Stan does, rescaled to the unbiased variance at lag 0
        double Rho(int t)
        {
            double sum = 0;
            foreach (var c in centred)
            {
                double s = 0;
                for (int i = 0; i + t < n; i++)
                {
                    s += c[i] * c[i + t];
                }

                sum += s / n;
            }

            double meanAutocovariance = sum / m * n / (n - 1.0);
            return 1 - ((within - meanAutocovariance) / plus);
        }

        double tau = -1;
        double previous = double.PositiveInfinity;
        for (int k = 0; (2 * k) + 1 < n; k++)
        {
            double even = Rho(2 * k);
            double pair = even + Rho((2 * k) + 1);
            if (pair <= 0)
            {
                // the improved estimate (Vehtari et al. 2021): the first dropped pair's even lag still counts
                // when positive, which lowers the variance for antithetic chains
                tau += Math.Max(even, 0);
                break;
            }

            pair = Math.Min(pair, previous);
            tau += 2 * pair;
            previous = pair;
        }

        return m * n / Math.Max(tau, 1.0 / Math.Log10(m * n));
    }

    /// <summary>A quantile of sorted values by linear interpolation (R's type 7).</summary>
    private static double Quantile(double[] sorted, double p)
    {
        double h = (sorted.Length - 1) * p;
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + ((h - lo) * (sorted[hi] - sorted[lo]));
    }
}
