namespace Ppl.Tests.Inference.Elbo;

/// <summary>
/// The exact law of a gradient estimate that takes finitely many values (a discrete latent
/// enumerated), as its moments: the truth a sampled estimate's spread is bounded by.
/// </summary>
internal sealed class EstimateLaw
{
    /// <summary>The law of the values <paramref name="outcomes"/>, each with its probability (they sum to 1).</summary>
    public EstimateLaw(IReadOnlyList<(double Probability, double Value)> outcomes)
    {
        double total = outcomes.Sum(o => o.Probability);
        Assert.True(Math.Abs(total - 1) < 1e-12, $"the outcome probabilities sum to {total}, not 1");
        Mean = outcomes.Sum(o => o.Probability * o.Value);
        double mean = Mean;
        Variance = outcomes.Sum(o => o.Probability * Math.Pow(o.Value - mean, 2));
        double fourth = outcomes.Sum(o => o.Probability * Math.Pow(o.Value - mean, 4));
        Kurtosis = Variance > 0 ? fourth / (Variance * Variance) : 3;
    }

    /// <summary>E[g].</summary>
    public double Mean { get; }

    /// <summary>Var[g].</summary>
    public double Variance { get; }

    /// <summary>E[(g − E g)⁴] / Var[g]² (3 for a degenerate law, where it does not matter).</summary>
    public double Kurtosis { get; }

    /// <summary>
    /// Variance and kurtosis of the mean of <paramref name="n"/> independent copies: Var/n, and
    /// 3 + (κ − 3)/n (the fourth cumulant of a sum adds up, the variance squared grows as n²).
    /// </summary>
    public (double Variance, double Kurtosis) OfMean(int n) => (Variance / n, 3 + ((Kurtosis - 3) / n));
}
