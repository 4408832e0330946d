using Ppl.Inference;

namespace Ppl.Tests.Inference;

/// <summary>
/// Fits by SVI and reads the answer off the stationary phase. With a constant learning rate the
/// iterates end up fluctuating around the optimum; after <c>warmup</c> steps the mean of the next
/// <c>record</c> iterates estimates the optimum. Successive iterates are correlated, so the
/// standard error of that mean comes from batch means (ten consecutive batches, whose means are
/// nearly independent when a batch is longer than the correlation time); the tolerance is five
/// standard errors, and that standard error may not exceed the ceiling the caller derives from
/// theory (<see cref="AveragedIterateError"/>), so a fit that never settles fails instead of
/// widening its own tolerance.
/// </summary>
internal static class StationaryFit
{
    public static (double[] Mean, double[] StandardError) Run<TArgs>(Svi<TArgs> svi, TArgs args, Func<double[]> read, int warmup, int record)
    {
        svi.Fit(args, warmup);
        var rows = new List<double[]>(record);
        for (int i = 0; i < record; i++)
        {
            svi.Step(args);
            rows.Add(read());
        }

        int k = rows[0].Length;
        var mean = new double[k];
        var standardError = new double[k];
        for (int j = 0; j < k; j++)
        {
            double m = rows.Average(r => r[j]);
            const int batches = 10;
            int size = rows.Count / batches;
            var batchMeans = Enumerable.Range(0, batches).Select(b => rows.Skip(b * size).Take(size).Average(r => r[j])).ToArray();
            double sd = Math.Sqrt(batchMeans.Sum(v => (v - m) * (v - m)) / (batches - 1));
            mean[j] = m;
            standardError[j] = sd / Math.Sqrt(batches);
        }

        return (mean, standardError);
    }

    public static void AssertClose(double[] estimate, double[] standardError, double[] ceiling, double[] truth, string[] names, Xunit.Abstractions.ITestOutputHelper output, string what)
    {
        for (int j = 0; j < truth.Length; j++)
        {
            double tolerance = 5 * standardError[j];
            output.WriteLine($"{what} {names[j]}: SVI {estimate[j]:G6}, truth {truth[j]:G6}, |error| {Math.Abs(estimate[j] - truth[j]):G3}, tolerance {tolerance:G3}, standard error {standardError[j]:G3} of at most {ceiling[j]:G3}");
            Assert.True(standardError[j] <= ceiling[j], $"{what} {names[j]}: the iterates' standard error {standardError[j]:G3} exceeds the theory's {ceiling[j]:G3}");
            Assert.True(Math.Abs(estimate[j] - truth[j]) <= tolerance, $"{what} {names[j]}: SVI {estimate[j]:G6} vs truth {truth[j]:G6} (tolerance {tolerance:G3})");
        }
    }
}
