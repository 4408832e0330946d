using System.Globalization;
using Ppl.Examples.Pictures;
using ScottPlot;
using static TorchSharp.torch;

namespace Ppl.Examples.Gmm;

/// <summary>
/// A Gaussian mixture on simulated data with known assignments, fitted twice: with the assignments
/// enumerated (<c>TraceEnumElbo</c>, AutoDelta over the weights, means and scale, then
/// <c>InferDiscrete</c> for the MAP assignments), and the way a newcomer would without enumeration (a
/// guide with per-point Categorical logits, fitted by <c>TraceGraphElbo</c>). Reports each route's
/// final loss, assignment accuracy against the simulation (best relabelling) and time per step, and
/// plots the data by inferred component with the fitted densities, and both loss curves.
/// </summary>
public sealed class GmmExample : IExample
{
    /// <summary>The fit picture's file name in the output folder.</summary>
    public const string FitPicture = "gmm-fit.png";

    /// <summary>The loss picture's file name in the output folder.</summary>
    public const string LossPicture = "gmm-loss.png";

    /// <inheritdoc />
    public string Name => "gmm";

    /// <inheritdoc />
    public string Description => "Gaussian mixture: assignments enumerated (TraceEnumElbo, InferDiscrete) vs sampled by a per-point guide (TraceGraphElbo)";

    /// <inheritdoc />
    public IReadOnlyList<ExampleOption> Options { get; } =
    [
        new("points", "Simulated points.", ExampleOptions.Auto),
        new("steps", "SVI steps of each route.", ExampleOptions.Auto),
        new("out", "Directory the PNG plots are written to.", "gmm-plots"),
        ExampleThreads.Option,
    ];

    /// <inheritdoc />
    public ExampleResult Run(ExampleOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        using var threads = ExampleThreads.Use(options);
        int n = checked((int)options.GetInt64OrAuto("points", options.Smoke ? 300 : 1000));
        int steps = checked((int)options.GetInt64OrAuto("steps", options.Smoke ? 300 : 2000));
        ArgumentOutOfRangeException.ThrowIfLessThan(n, GmmModel.K, "--points");
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 10, "--steps");
        string outDir = options.Get("out", "gmm-plots");
        Directory.CreateDirectory(outDir);
        var f = CultureInfo.InvariantCulture;

        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)options.Seed);
        var data = GmmData.Simulate(n, generator);
        double[] points = data.Points;
        output.WriteLine(string.Create(f, $"Data (simulated): {n} points from {GmmData.K} Gaussians, weights {Join(GmmData.TrueWeights)}, means {Join(GmmData.TrueLocs)}, sd {GmmData.TrueScale:F1}; the component of every point is known."));
        output.WriteLine("Model: weights ~ Dirichlet(0.5), locs[k] ~ Normal(0, 10), scale ~ LogNormal(0, 2); assignment ~ Categorical(weights), x ~ Normal(locs[assignment], scale).");
        output.WriteLine(string.Create(f, $"Both routes: Adam 0.05, {steps} steps, the same data-driven start (means at the data's quantiles), seed {options.Seed}."));
        output.WriteLine();

        var enumerated = GmmFits.Enumerated(data.X, steps, 0.05, options.Seed, output);
        var newcomer = GmmFits.Newcomer(data.X, steps, 0.05, options.Seed, output);
        double bayes = LabelMatching.Best(BayesAssignments(points), data.Truth, GmmData.K).Accuracy;
        var routes = new[] { enumerated, newcomer };
        var accuracy = routes.Select(r => LabelMatching.Best(r.Assignments, data.Truth, GmmData.K)).ToArray();

        output.WriteLine();
        output.WriteLine($"  {"route",-28} {"final loss",11} {"accuracy",9} {"ms/step",8}  fitted weights / means / sd");
        for (int r = 0; r < routes.Length; r++)
        {
            var route = routes[r];
            // the fitted components in the order of the true ones they were matched to
            int[] order = [.. Enumerable.Range(0, GmmData.K).OrderBy(j => accuracy[r].Map[j])];
            output.WriteLine(string.Create(f, $"  {route.Name,-28} {route.FinalLoss,11:F1} {accuracy[r].Accuracy,9:P1} {route.MsPerStep,8:F1}  {Join(order.Select(j => route.Weights[j]))} / {Join(order.Select(j => route.Locs[j]))} / {route.Scale:F2}"));
        }

        output.WriteLine(string.Create(f, $"  {"true parameters (Bayes rule)",-28} {"",11} {bayes,9:P1} {"",8}  {Join(GmmData.TrueWeights)} / {Join(GmmData.TrueLocs)} / {GmmData.TrueScale:F2}"));
        output.WriteLine("  (loss: negative ELBO in nats, the enumerated one exact, the newcomer's the mean of its last tenth of steps;");
        output.WriteLine("  accuracy: share of points whose inferred component is the simulated one, under the best relabelling;");
        output.WriteLine("  Bayes rule: each point given to its most probable component under the true parameters, the best any fit can do.)");
        output.WriteLine();

        string fit = Path.Combine(outDir, FitPicture);
        string loss = Path.Combine(outDir, LossPicture);
        GmmPictures.Fit(fit, points, enumerated, accuracy[0].Accuracy);
        LossCurve.WritePng(loss, [.. routes.Select(r => new LossSeries(r.Name, [.. Enumerable.Range(1, r.Losses.Length).Select(s => (double)s)], r.Losses))],
            title: "Gaussian mixture: loss per step of both routes", xLabel: "SVI step", yLabel: "loss (negative ELBO, nats)", legend: Alignment.UpperRight);
        output.WriteLine($"Plots: {fit}, {loss}");

        return new ExampleResult(new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["points"] = n,
            ["steps"] = steps,
            ["enumerated loss"] = enumerated.FinalLoss,
            ["enumerated accuracy"] = accuracy[0].Accuracy,
            ["enumerated ms per step"] = enumerated.MsPerStep,
            ["newcomer loss"] = newcomer.FinalLoss,
            ["newcomer accuracy"] = accuracy[1].Accuracy,
            ["newcomer ms per step"] = newcomer.MsPerStep,
            ["bayes accuracy"] = bayes,
            ["enumerated scale"] = enumerated.Scale,
            ["enumerated largest mean error"] = LargestMeanError(enumerated, accuracy[0].Map),
        });
    }

    /// <summary>Each point's most probable component under the true parameters.</summary>
    private static long[] BayesAssignments(double[] points) =>
        [.. points.Select(x => (long)Enumerable.Range(0, GmmData.K).MaxBy(k => Math.Log(GmmData.TrueWeights[k]) - (0.5 * Math.Pow((x - GmmData.TrueLocs[k]) / GmmData.TrueScale, 2))))];

    private static double LargestMeanError(GmmRoute route, int[] map) =>
        Enumerable.Range(0, GmmData.K).Max(j => Math.Abs(route.Locs[j] - GmmData.TrueLocs[map[j]]));

    private static string Join(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("F2", CultureInfo.InvariantCulture)));
}
