using System.Globalization;
using MathNet.Numerics.Statistics;
using Ppl.Inference;
using Ppl.Inference.Mcmc;
using static TorchSharp.torch;

namespace Ppl.Examples.EightSchools;

/// <summary>
/// A posterior predictive check: the model is run once per posterior draw with the effects left
/// unobserved (<see cref="Predictive{TArgs}"/> on <see cref="McmcResult.PooledSamples"/>), giving a
/// replicated data set y_rep per draw. Each school's estimate is compared with its replicates, and so
/// are three statistics of the whole data set (largest, smallest, spread across schools): a p-value
/// P(T(y_rep) ≥ T(y)) near 0 or 1 marks something the model does not reproduce.
/// </summary>
/// <param name="Schools">The per-school comparison.</param>
/// <param name="Statistics">Each whole-data statistic's name, observed value and p-value.</param>
/// <param name="Draws">The replicated data sets.</param>
internal sealed record PredictiveCheck(IReadOnlyList<SchoolCheck> Schools, IReadOnlyList<(string Name, double Observed, double PValue)> Statistics, int Draws)
{
    /// <summary>Replicates the data of <paramref name="model"/> at every draw of <paramref name="result"/>.</summary>
    public static PredictiveCheck Of(Func<SchoolsData, object?> model, McmcResult result, SchoolsData data, long seed)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(data);
        using var scope = NewDisposeScope();
        // one vectorized run over all draws: the model broadcasts (a plate for the schools, scalars for μ and τ)
        var predictive = new Predictive<SchoolsData>(model, result.PooledSamples(), returnSites: ["y", "theta"], parallel: true);
        var draws = predictive.Sample(data.WithoutEffects(), seed);
        int n = predictive.NumSamples, schools = (int)data.Count;
        double[] yRep = Host(draws["y"].reshape(n, schools));
        double[] theta = Host(draws["theta"].reshape(n, schools));
        double[] y = Host(data.Y!);
        double[] sigma = Host(data.Sigma);

        double[] Column(double[] values, int j) => [.. Enumerable.Range(0, n).Select(i => values[(i * schools) + j])];
        var rows = new List<SchoolCheck>();
        for (int j = 0; j < schools; j++)
        {
            double[] replicates = Column(yRep, j);
            double[] sorted = [.. replicates.Order()];
            rows.Add(new SchoolCheck(SchoolsData.Names[j], y[j], sigma[j], Column(theta, j).Average(), Quantile(sorted, 0.05), Quantile(sorted, 0.95), Sd(replicates), replicates.Count(v => v >= y[j]) / (double)n));
        }

        var dataSets = Enumerable.Range(0, n).Select(i => yRep.AsSpan(i * schools, schools).ToArray()).ToArray();
        var statistics = new (string Name, Func<double[], double> T)[] { ("largest effect", v => v.Max()), ("smallest effect", v => v.Min()), ("sd across schools", Sd) }
            .Select(s => (s.Name, s.T(y), dataSets.Count(d => s.T(d) >= s.T(y)) / (double)n))
            .ToList();
        return new PredictiveCheck(rows, statistics, n);
    }

    /// <summary>Prints the check as two small tables.</summary>
    public void Write(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var f = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(f, $"Posterior predictive check: {Draws:N0} replicated data sets y_rep, one per posterior draw."));
        output.WriteLine("  school      y  sigma  E[theta]  y_rep 5%  y_rep 95%  sd(y_rep)  P(y_rep >= y)");
        foreach (var s in Schools)
        {
            output.WriteLine(string.Create(f, $"  {s.School,-6} {s.Y,6:F0} {s.Sigma,6:F0} {s.ThetaMean,9:F2} {s.Low,9:F1} {s.High,10:F1} {s.ReplicateSd,10:F1} {s.PValue,14:F2}"));
        }

        output.WriteLine("  statistic T          T(y)  P(T(y_rep) >= T(y))");
        foreach (var (name, observed, p) in Statistics)
        {
            output.WriteLine(string.Create(f, $"  {name,-18} {observed,6:F1} {p,20:F2}"));
        }

        output.WriteLine("  (E[theta]: posterior mean of the school's true effect; a p-value near 0 or 1 would mark a misfit.)");
    }

    private static double Sd(double[] v) => ArrayStatistics.StandardDeviation(v);

    // linear interpolation between order statistics (Hyndman and Fan's R7)
    private static double Quantile(double[] sorted, double q) => SortedArrayStatistics.QuantileCustom(sorted, q, QuantileDefinition.R7);

    private static double[] Host(Tensor t) => t.to_type(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
}
