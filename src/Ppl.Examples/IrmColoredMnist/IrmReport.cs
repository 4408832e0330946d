using System.Globalization;

namespace Ppl.Examples.IrmColoredMnist;

/// <summary>The measured Table 1 beside the paper's.</summary>
internal static class IrmReport
{
    /// <summary>Writes the table (accuracy in %, mean ± std over restarts) and returns the means by "method train"/"method test".</summary>
    public static Dictionary<string, double> Write(TextWriter output, IReadOnlyList<IrmRun> runs, IReadOnlyList<IrmMethod> methods)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        output.WriteLine("Accuracy (%), mean ± std over restarts; the paper's Table 1 (10 restarts) beside:");
        output.WriteLine($"  {"method",-18} {"train",14} {"test",14} {"paper train",14} {"paper test",14} {"seconds",9}");
        foreach (var method in methods)
        {
            var mine = runs.Where(r => r.Method.Name == method.Name).ToList();
            var (trainMean, trainStd) = MeanStd(mine.Select(r => 100 * r.Train));
            var (testMean, testStd) = MeanStd(mine.Select(r => 100 * r.Test));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {method.Name,-18} {Cell(trainMean, trainStd),14} {Cell(testMean, testStd),14} {Cell(method.PaperTrain.Mean, method.PaperTrain.Std),14} {Cell(method.PaperTest.Mean, method.PaperTest.Std),14} {mine.Average(r => r.Seconds),9:F0}"));
            values[$"{method.Name} train"] = trainMean / 100;
            values[$"{method.Name} test"] = testMean / 100;
            values[$"{method.Name} test std"] = testStd / 100;
        }

        output.WriteLine($"  {"optimal invariant",-18} {"",14} {"",14} {"75",14} {"75",14}");
        return values;
    }

    private static string Cell(double mean, double std) => string.Create(CultureInfo.InvariantCulture, $"{mean:F1} ± {std:F1}");

    private static (double Mean, double Std) MeanStd(IEnumerable<double> values)
    {
        var list = values.ToList();
        double mean = list.Average();
        double variance = list.Count > 1 ? list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1) : 0;
        return (mean, Math.Sqrt(variance));
    }
}
