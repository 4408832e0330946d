namespace Ppl.Examples.GwasDeconfounder;

/// <summary>
/// Wang &amp; Blei's own results for this simulation at 5,000 people and 5,000 SNPs (their repository's
/// <c>gene_tf/res/SPalpha*_units5000_causes5000_cv0_snipsig10_confint20_cp10_avg.csv</c>, column
/// <c>linear_rmse_sing</c>: the mean over SNPs of |β̂_j − β_j|), to print next to ours.
/// </summary>
internal static class GwasPublished
{
    private static readonly Dictionary<double, Dictionary<string, double>> Errors = new()
    {
        [0.1] = Row(0.0911, 0.0908, 0.0900, 0.0748, 0.0696),
        [0.25] = Row(0.0976, 0.0971, 0.0965, 0.0768, 0.0724),
        [0.5] = Row(0.0851, 0.0848, 0.0846, 0.0698, 0.0657),
        [1.0] = Row(0.0728, 0.0727, 0.0725, 0.0648, 0.0638),
    };

    /// <summary>The published error of <paramref name="method"/> at structure <paramref name="a"/>, or null when they did not run it.</summary>
    public static double? Error(double a, string method) =>
        Errors.TryGetValue(a, out var row) && row.TryGetValue(method, out double e) ? e : null;

    private static Dictionary<string, double> Row(double none, double oracle, double ppca, double poisson, double logistic) => new(StringComparer.Ordinal)
    {
        ["no control"] = none,
        ["oracle (true groups)"] = oracle,
        ["PPCA"] = ppca,
        ["Poisson factorization"] = poisson,
        ["logistic factor model"] = logistic,
    };
}
