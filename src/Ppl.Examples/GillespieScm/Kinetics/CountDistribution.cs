using System.Collections.Immutable;
using static TorchSharp.torch;

namespace Ppl.Examples.GillespieScm.Kinetics;

/// <summary>A probability mass function on the counts 0..N: exact, or the histogram of samples.</summary>
public sealed class CountDistribution
{
    /// <summary>The distribution with masses <paramref name="pmf"/> on 0, 1, …; normalized here.</summary>
    /// <exception cref="ArgumentException">The masses are empty, negative, not finite or all zero.</exception>
    public CountDistribution(IEnumerable<double> pmf, long sampleCount = 0)
    {
        ArgumentNullException.ThrowIfNull(pmf);
        var masses = pmf.ToArray();
        double total = masses.Sum();
        if (masses.Length == 0 || masses.Any(m => !(m >= 0) || double.IsInfinity(m)) || !(total > 0))
        {
            throw new ArgumentException("CountDistribution: masses must be finite, non-negative and not all zero.", nameof(pmf));
        }

        Pmf = [.. masses.Select(m => m / total)];
        SampleCount = sampleCount;
    }

    /// <summary>Probabilities of 0, 1, …, <c>Pmf.Length − 1</c>.</summary>
    public ImmutableArray<double> Pmf { get; }

    /// <summary>The number of samples the histogram was made of; 0 for an exact distribution.</summary>
    public long SampleCount { get; }

    /// <summary>The mean.</summary>
    public double Mean => Pmf.Select((p, k) => p * k).Sum();

    /// <summary>The variance.</summary>
    public double Variance
    {
        get
        {
            double mean = Mean;
            return Pmf.Select((p, k) => p * (k - mean) * (k - mean)).Sum();
        }
    }

    /// <summary>The empirical distribution of integer <paramref name="samples"/> (any shape) on 0..<paramref name="maxCount"/>.</summary>
    /// <exception cref="ArgumentException">A sample lies outside 0..maxCount, or there are none.</exception>
    public static CountDistribution FromSamples(Tensor samples, long maxCount)
    {
        ArgumentNullException.ThrowIfNull(samples);
        using var scope = NewDisposeScope();
        var flat = samples.flatten().to(ScalarType.Int64).cpu();
        long n = flat.shape[0];
        if (n == 0 || flat.min().item<long>() < 0 || flat.max().item<long>() > maxCount)
        {
            throw new ArgumentException($"CountDistribution: need at least one sample, all within 0..{maxCount}.", nameof(samples));
        }

        var counts = flat.bincount(null, maxCount + 1).to(ScalarType.Float64).data<double>().ToArray();
        return new CountDistribution(counts, n);
    }

    /// <summary>Binomial(<paramref name="total"/>, <paramref name="probability"/>).</summary>
    public static CountDistribution Binomial(long total, double probability) => new(BinomialPmf(total, probability));

    /// <summary>Total variation distance ½ Σ |p − q| (in [0, 1]).</summary>
    public double TotalVariation(CountDistribution other)
    {
        ArgumentNullException.ThrowIfNull(other);
        int n = Math.Max(Pmf.Length, other.Pmf.Length);
        double sum = 0;
        for (int k = 0; k < n; k++)
        {
            sum += Math.Abs(At(k) - other.At(k));
        }

        return sum / 2;
    }

    /// <summary>Wasserstein-1 (earth mover's) distance Σ_k |F(k) − G(k)|, in counts.</summary>
    public double Wasserstein1(CountDistribution other)
    {
        ArgumentNullException.ThrowIfNull(other);
        int n = Math.Max(Pmf.Length, other.Pmf.Length);
        double f = 0, g = 0, sum = 0;
        for (int k = 0; k < n; k++)
        {
            f += At(k);
            g += other.At(k);
            sum += Math.Abs(f - g);
        }

        return sum;
    }

    /// <summary>The mass at <paramref name="k"/> (0 beyond the support).</summary>
    public double At(int k) => k >= 0 && k < Pmf.Length ? Pmf[k] : 0;

    /// <summary>The Binomial(<paramref name="total"/>, <paramref name="probability"/>) masses on 0..total, computed in log space.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The total is negative or the probability outside [0, 1].</exception>
    public static double[] BinomialPmf(long total, double probability)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        if (!(probability >= 0 && probability <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(probability), probability, "A probability lies in [0, 1].");
        }

        var pmf = new double[total + 1];
        if (probability == 0 || probability == 1)
        {
            pmf[probability == 0 ? 0 : total] = 1;
            return pmf;
        }

        double logP = Math.Log(probability), logQ = Math.Log(1 - probability), logChoose = 0;
        for (long k = 0; k <= total; k++)
        {
            if (k > 0)
            {
                logChoose += Math.Log(total - k + 1) - Math.Log(k); // log C(n, k) from log C(n, k − 1)
            }

            pmf[k] = Math.Exp(logChoose + (k * logP) + ((total - k) * logQ));
        }

        return pmf;
    }
}
