using Ppl.Examples.Pictures;

namespace Ppl.Examples.IrmColoredMnist;

/// <summary>Accuracy and penalty against the step, for the first restart of each method.</summary>
internal static class IrmPictures
{
    // log₁₀ of an exact 0 is −∞, which a plot cannot show; the floor is named in the axis label
    private const double PenaltyFloor = 1e-12;

    /// <summary>Writes accuracy.png and penalty.png into <paramref name="folder"/>; returns their paths.</summary>
    public static IReadOnlyList<string> Write(string folder, IReadOnlyList<IrmRun> runs)
    {
        string accuracy = Path.Combine(folder, "accuracy.png");
        string penalty = Path.Combine(folder, "penalty.png");
        var curves = new List<LossSeries>();
        foreach (var run in runs)
        {
            var steps = run.History.Select(r => (double)r.Step).ToList();
            curves.Add(new LossSeries($"{run.Method.Name} train", steps, run.History.Select(r => r.TrainAccuracy).ToList()));
            curves.Add(new LossSeries($"{run.Method.Name} test", steps, run.History.Select(r => r.Accuracies[0]).ToList()));
        }

        LossCurve.WritePng(accuracy, curves, title: "Colored MNIST: accuracy during training", xLabel: "step", yLabel: "accuracy");
        var penalties = runs.Where(r => !r.Method.Grayscale).Select(run => new LossSeries(
            $"{run.Method.Name} penalty",
            run.History.Select(r => (double)r.Step).ToList(),
            run.History.Select(r => Math.Log10(r.Penalty + PenaltyFloor)).ToList())).ToList();
        LossCurve.WritePng(penalty, penalties, title: "IRMv1 penalty (mean over training environments)", xLabel: "step", yLabel: "log₁₀(penalty + 10⁻¹²)");
        return [accuracy, penalty];
    }
}
