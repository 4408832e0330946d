namespace Ppl.Testing;

/// <summary>
/// Ceilings from theory for standard errors that an estimator reports about itself. A test that
/// accepts the truth within k reported standard errors passes whatever the estimate when the
/// reported error is huge, so each such test also asserts the reported error is at most what
/// theory gives for the estimator, with headroom only for the reported error's own sampling noise.
/// </summary>
public static class StandardErrorCeiling
{
    /// <summary>
    /// Headroom for a self-normalized importance-sampling error: the reported error is itself a
    /// weighted estimate whose relative spread is about 1/√(2·ESS) for Gaussian-tailed values
    /// (a few percent at the ESS of these tests); 25% leaves room for heavier-tailed weights.
    /// </summary>
    public const double WeightedHeadroom = 1.25;

    /// <summary>
    /// The standard error of the mean of <paramref name="n"/> independent draws with variance
    /// <paramref name="variance"/>, σ/√n, raised by five sds of the sample sd's relative error
    /// √((κ − 1)/(4n)) (κ the draws' kurtosis, 3 for Gaussian draws).
    /// </summary>
    public static double OfMean(double variance, double n, double kurtosis = 3) =>
        Math.Sqrt(variance / n) * (1 + (5 * Math.Sqrt((kurtosis - 1) / (4 * n))));

    /// <summary>The standard error of a self-normalized weighted mean whose n·variance is <paramref name="asymptoticVariance"/>, with <see cref="WeightedHeadroom"/>.</summary>
    public static double OfWeightedMean(double asymptoticVariance, double n) =>
        WeightedHeadroom * Math.Sqrt(asymptoticVariance / n);

    /// <summary>
    /// E_π[π/q] = E_q[w²]/E_q[w]² (1 + the χ² divergence) for π = N(<paramref name="targetMean"/>,
    /// <paramref name="targetSd"/>²) and q = N(<paramref name="proposalMean"/>, <paramref name="proposalSd"/>²):
    /// q²/(π·√(2q² − π²))·exp(Δ²/(2q² − π²)) with sds π, q; Kish's ESS of n draws tends to n divided by it.
    /// </summary>
    public static double NormalSecondMoment(double targetMean, double targetSd, double proposalMean, double proposalSd)
    {
        double spread = (2 * proposalSd * proposalSd) - (targetSd * targetSd);
        if (spread <= 0)
        {
            throw new ArgumentException($"the proposal sd {proposalSd} is too narrow for the target sd {targetSd}: the weights have infinite variance");
        }

        double shift = targetMean - proposalMean;
        return proposalSd * proposalSd / (targetSd * Math.Sqrt(spread)) * Math.Exp(shift * shift / spread);
    }

    /// <summary>Asserts <paramref name="standardError"/> ≤ <paramref name="ceiling"/>, naming the estimate.</summary>
    public static void Check(double standardError, double ceiling, string what)
    {
        Console.WriteLine($"[se] {what}: reported {standardError:G4}, ceiling {ceiling:G4} ({standardError / ceiling:P0} of it)");
        Assert.True(standardError <= ceiling, $"{what}: the reported standard error {standardError:G4} exceeds the theory's ceiling {ceiling:G4}");
    }
}
