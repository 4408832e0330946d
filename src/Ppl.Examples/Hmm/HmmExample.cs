using System.Globalization;
using static TorchSharp.torch;

namespace Ppl.Examples.Hmm;

/// <summary>
/// A hidden Markov model on a simulated chain: the transition matrix, emission means and scale fitted by
/// <c>TraceEnumElbo</c> with the states enumerated under <c>Markov</c> (AutoDelta over the globals),
/// then the Viterbi path by <c>InferDiscrete</c> at temperature 0. Reports the path's accuracy against
/// the simulated states (best relabelling) next to that of the Viterbi path under the true parameters
/// (the ceiling), and the fitted against the true parameters; plots a window of the chain and the
/// parameters.
/// </summary>
public sealed class HmmExample : IExample
{
    /// <summary>The path picture's file name in the output folder.</summary>
    public const string PathPicture = "hmm-path.png";

    /// <summary>The parameter picture's file name in the output folder.</summary>
    public const string ParametersPicture = "hmm-parameters.png";

    /// <inheritdoc />
    public string Name => "hmm";

    /// <inheritdoc />
    public string Description => "Hidden Markov model: transitions and emissions by TraceEnumElbo with Markov, Viterbi path by InferDiscrete vs the true-parameter ceiling";

    /// <inheritdoc />
    public IReadOnlyList<ExampleOption> Options { get; } =
    [
        new("length", "Steps of the simulated chain.", ExampleOptions.Auto),
        new("steps", "SVI steps.", ExampleOptions.Auto),
        new("out", "Directory the PNG plots are written to.", "hmm-plots"),
        ExampleThreads.Option,
    ];

    /// <inheritdoc />
    public ExampleResult Run(ExampleOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        using var threads = ExampleThreads.Use(options);
        int length = checked((int)options.GetInt64OrAuto("length", options.Smoke ? 200 : 1000));
        int steps = checked((int)options.GetInt64OrAuto("steps", options.Smoke ? 40 : 100));
        ArgumentOutOfRangeException.ThrowIfLessThan(length, 2, "--length");
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1, "--steps");
        string outDir = options.Get("out", "hmm-plots");
        Directory.CreateDirectory(outDir);
        var f = CultureInfo.InvariantCulture;
        int k = HmmData.K;

        using var scope = NewDisposeScope();
        using var generator = new Generator((ulong)options.Seed);
        var data = HmmData.Simulate(length, generator);
        output.WriteLine(string.Create(f, $"Data (simulated): a chain of {length} steps over {k} hidden states, emission means {Join(HmmData.TrueLocs)}, sd {HmmData.TrueScale:F1}; the states are known."));
        output.WriteLine("Model: transition rows ~ Dirichlet(1 + 2·I), locs ~ Normal(0, 5), scale ~ LogNormal(0, 1); z_0 uniform, z_t ~ Categorical(transition[z_(t-1)]), x_t ~ Normal(locs[z_t], scale).");
        output.WriteLine(string.Create(f, $"Fit: TraceEnumElbo (states enumerated under Markov) + AutoDelta, Adam 0.05, {steps} steps, seed {options.Seed}."));
        output.WriteLine();

        var fit = HmmFit.Run(data.X, steps, 0.05, options.Seed, output);
        var (map, accuracy) = LabelMatching.Best(fit.Viterbi, data.States, k);
        long[] ceilingPath = HmmFit.ViterbiUnderTruth(data.X);
        double ceiling = ceilingPath.Zip(data.States).Count(p => p.First == p.Second) / (double)length;

        // the fitted parameters under the relabelling: fitted state j is true state map[j]
        var transition = new double[k * k];
        var locs = new double[k];
        for (int i = 0; i < k; i++)
        {
            locs[map[i]] = fit.Locs[i];
            for (int j = 0; j < k; j++)
            {
                transition[(map[i] * k) + map[j]] = fit.Transition[(i * k) + j];
            }
        }

        long[] decoded = [.. fit.Viterbi.Select(s => (long)map[s])];
        double largestTransitionError = Enumerable.Range(0, k * k).Max(i => Math.Abs(transition[i] - HmmData.TrueTransition[i / k, i % k]));
        double largestLocError = Enumerable.Range(0, k).Max(i => Math.Abs(locs[i] - HmmData.TrueLocs[i]));

        output.WriteLine();
        output.WriteLine(string.Create(f, $"SVI: {fit.MsPerStep:F0} ms per step; final loss (negative ELBO) {fit.Losses[^1]:F1} nats. Viterbi by InferDiscrete: {fit.ViterbiSeconds:F2} s."));
        output.WriteLine(string.Create(f, $"  Viterbi path accuracy, fitted parameters: {accuracy:P1}  (states relabelled: fitted {string.Join(", ", Enumerable.Range(0, k).Select(j => $"{j}->{map[j]}"))})"));
        output.WriteLine(string.Create(f, $"  Viterbi path accuracy, true parameters:   {ceiling:P1}  (the ceiling)"));
        output.WriteLine();
        output.WriteLine("  parameter            true   fitted");
        for (int i = 0; i < k; i++)
        {
            for (int j = 0; j < k; j++)
            {
                output.WriteLine(string.Create(f, $"  transition[{i},{j}]  {HmmData.TrueTransition[i, j],7:F3}  {transition[(i * k) + j],7:F3}"));
            }
        }

        for (int i = 0; i < k; i++)
        {
            output.WriteLine(string.Create(f, $"  locs[{i}]           {HmmData.TrueLocs[i],7:F3}  {locs[i],7:F3}"));
        }

        output.WriteLine(string.Create(f, $"  scale             {HmmData.TrueScale,7:F3}  {fit.Scale,7:F3}"));
        output.WriteLine();

        string pathPicture = Path.Combine(outDir, PathPicture);
        string parametersPicture = Path.Combine(outDir, ParametersPicture);
        HmmPictures.Path(pathPicture, data.Observations, data.States, decoded, locs, window: 200);
        HmmPictures.Parameters(parametersPicture, transition, locs, fit.Scale);
        output.WriteLine($"Plots: {pathPicture}, {parametersPicture}");

        return new ExampleResult(new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["length"] = length,
            ["steps"] = steps,
            ["loss"] = fit.Losses[^1],
            ["first loss"] = fit.Losses[0],
            ["ms per step"] = fit.MsPerStep,
            ["viterbi seconds"] = fit.ViterbiSeconds,
            ["accuracy"] = accuracy,
            ["ceiling accuracy"] = ceiling,
            ["largest transition error"] = largestTransitionError,
            ["largest loc error"] = largestLocError,
            ["scale"] = fit.Scale,
        });
    }

    private static string Join(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("F2", CultureInfo.InvariantCulture)));
}
