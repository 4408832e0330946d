using System.Globalization;

namespace Ppl.Examples.CompetingExpertsMnist;

/// <summary>The measured tables beside the paper's.</summary>
internal static class ExpertsReport
{
    /// <summary>Writes one line per seed and the summary; returns the summary's numbers.</summary>
    public static Dictionary<string, double> Write(TextWriter output, ExpertsSettings settings, IReadOnlyList<ExpertsRun> runs)
    {
        var names = settings.Mechanisms.Select(m => m.Name).ToList();
        output.WriteLine("Held-out digits: each mechanism's expert (the share of its digits that expert wins), and the classifier's accuracy:");
        output.WriteLine($"  {"seed",4}  {"one-to-one",10}  {"mechanism → expert (share)",-60} {"routed",7} {"transf.",7} {"orig.",7} {"seconds",8}");
        foreach (var run in runs)
        {
            var expertOf = run.End.ExpertOf;
            string assignment = string.Join(", ", names.Select((name, m) => string.Create(CultureInfo.InvariantCulture, $"{name} → {expertOf[m]} ({run.End.Shares[expertOf[m], m]:F2})")));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {run.Seed,4}  {(run.End.OneToOne ? "yes" : "no"),10}  {assignment,-60} {run.End.RoutedAccuracy,7:P1} {run.End.TransformedAccuracy,7:P1} {run.End.OriginalAccuracy,7:P1} {run.Seconds,8:F0}"));
        }

        output.WriteLine();
        output.WriteLine("Classifier accuracy on the routed outputs, by mechanism:");
        output.WriteLine($"  {"seed",4}  {string.Join(" ", names.Select(n => $"{n,10}"))}");
        foreach (var run in runs)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {run.Seed,4}  {string.Join(" ", run.End.RoutedByMechanism.Select(a => $"{a,10:P1}"))}"));
        }

        int oneToOne = runs.Count(r => r.End.OneToOne);
        output.WriteLine();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"One-to-one specialization in {oneToOne} of {runs.Count} seed(s) (the paper: 7 of 10 with ten mechanisms and ten experts); weakest share {runs.Min(r => r.End.WeakestShare):F2}."));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Classifier accuracy, mean over seeds: routed outputs {runs.Average(r => r.End.RoutedAccuracy):P1} (the paper: about 99%), transformed inputs {runs.Average(r => r.End.TransformedAccuracy):P1} (40% with all ten mechanisms), original digits {runs.Average(r => r.End.OriginalAccuracy):P1}."));
        var values = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["one-to-one runs"] = oneToOne,
            ["seeds"] = runs.Count,
            ["weakest share"] = runs.Min(r => r.End.WeakestShare),
            ["routed accuracy"] = runs.Average(r => r.End.RoutedAccuracy),
            ["transformed accuracy"] = runs.Average(r => r.End.TransformedAccuracy),
            ["original accuracy"] = runs.Average(r => r.End.OriginalAccuracy),
        };
        for (int m = 0; m < names.Count; m++)
        {
            values[$"routed accuracy {names[m]}"] = runs.Average(r => r.End.RoutedByMechanism[m]);
        }

        return values;
    }
}
