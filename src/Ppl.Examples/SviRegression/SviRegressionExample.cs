using System.Globalization;
using System.Reactive.Linq;
using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using Spectre.Console;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Examples.SviRegression;

/// <summary>
/// Bayesian linear regression fitted by SVI with an AutoNormal guide. The run is the
/// <see cref="Svi{TArgs}.Run"/> stream: a progress bar follows it (plain lines when the output is redirected), and
/// <c>TakeWhile</c> on an exponentially smoothed loss stops it once the loss has plateaued.
/// Then the posterior (median and 90% interval per coefficient) is printed next to the truth.
/// </summary>
public sealed class SviRegressionExample : IExample
{
    private static readonly float[] TrueWeights = [1.5f, -2.0f, 0.5f];
    private const float TrueIntercept = 0.7f;
    private const float TrueSigma = 0.5f;

    /// <inheritdoc />
    public string Name => "svi-regression";

    /// <inheritdoc />
    public string Description => "Bayesian linear regression by SVI (AutoNormal), with a progress bar and early stopping.";

    /// <inheritdoc />
    public ExampleResult Run(ExampleOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        int n = options.Smoke ? 300 : 2000;
        int maxSteps = options.Smoke ? 1500 : 10000;
        var console = ExampleConsole.Create(output, options.Smoke);

        using var scope = NewDisposeScope();
        random.manual_seed(options.Seed);
        var x = randn(n, TrueWeights.Length);
        var y = x.BatchedMatVec(tensor(TrueWeights)).add(TrueIntercept).add(randn(n).mul(TrueSigma));
        (Tensor X, Tensor? Y) data = (x, y);

        using var guide = new AutoNormal<(Tensor X, Tensor? Y)>(Model);
        using var adam = new Adam(0.03);
        var svi = new Svi<(Tensor X, Tensor? Y)>(Model, guide.Guide, adam, new TraceElbo(), seed: options.Seed);
        var plateau = new PlateauDetector(smoothing: 0.02, relativeTolerance: 1e-3, patience: options.Smoke ? 100 : 300);
        SviProgress? last = null;

        ExampleProgress.Run(output, "SVI", maxSteps, progress =>
        {
            // Run is a cold stream that steps on the subscribing thread; TakeWhile unsubscribes
            // at the plateau, which stops the stepping before the next step
            svi.Run(data, maxSteps)
                .TakeWhile(p => !plateau.Update(p.Loss))
                .Do(p =>
                {
                    last = p;
                    progress.Report(p.Step, string.Create(CultureInfo.InvariantCulture, $"loss {plateau.Smoothed:F2}"));
                })
                .Wait();
            return svi.StepCount;
        });

        long steps = svi.StepCount;
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"Stopped after [bold]{steps}[/] of {maxSteps} steps ({(steps < maxSteps ? "loss plateau" : "step budget")}); smoothed −ELBO {plateau.Smoothed:F2}, {last?.Elapsed.TotalSeconds ?? 0:F1} s."));

        var quantiles = guide.Quantiles(data, 0.05, 0.5, 0.95);
        var values = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["steps"] = steps,
            ["n"] = n,
        };
        var table = new Table().Title("Posterior (AutoNormal) vs truth")
            .AddColumn("coefficient").AddColumn(new TableColumn("true").RightAligned())
            .AddColumn(new TableColumn("posterior median").RightAligned()).AddColumn(new TableColumn("90% interval").RightAligned());
        for (int j = 0; j < TrueWeights.Length; j++)
        {
            AddRow(table, values, $"w[{j}]", TrueWeights[j], quantiles["w"][TensorIndex.Colon, j]);
        }

        AddRow(table, values, "b", TrueIntercept, quantiles["b"]);
        AddRow(table, values, "sigma", TrueSigma, quantiles["sigma"]);
        console.Write(table);
        return new ExampleResult(values);
    }

    /// <summary>
    /// w ~ N(0, I), b ~ N(0, 2²), σ ~ LogNormal(0, 1), y ~ N(Xw + b, σ) independently per row;
    /// y is observed when given and drawn otherwise (predictions for new rows).
    /// </summary>
    internal static Tensor Model((Tensor X, Tensor? Y) data)
    {
        var (x, y) = data;
        var w = Sample("w", new Normal(zeros(x.shape[1], dtype: x.dtype, device: x.device), 1.0).ToEvent(1));
        var b = Sample("b", new Normal(zeros(1, dtype: x.dtype, device: x.device).squeeze(), 2.0));
        var sigma = Sample("sigma", new LogNormal(zeros(1, dtype: x.dtype, device: x.device).squeeze(), 1.0));
        using var rows = Plate("data", x.shape[0]);
        // x·w row by row, not x.matmul(w): with vectorized particles or predictive draws w is
        // [S, 1, D] (draws, then this plate's size-1 dim), which matmul would take for a batch of
        // 1 × D matrices; BatchedDot sums over D and broadcasts the rest, giving [S, N]
        return Sample("y", new Normal(x.BatchedDot(w).add(b), sigma), obs: y);
    }

    /// <summary>One table row and the result entries <c>name</c>, <c>name.lo</c>, <c>name.hi</c> from quantiles (0.05, 0.5, 0.95).</summary>
    private static void AddRow(Table table, Dictionary<string, double> values, string name, double truth, Tensor q)
    {
        var qs = q.to(ScalarType.Float64).data<double>().ToArray();
        values[name] = qs[1];
        values[name + ".lo"] = qs[0];
        values[name + ".hi"] = qs[2];
        var f = CultureInfo.InvariantCulture;
        // Text cells, not markup: the interval's brackets would be read as markup tags
        table.AddRow(new Text(name), new Text(truth.ToString("F3", f)), new Text(qs[1].ToString("F3", f)), new Text($"[{qs[0].ToString("F3", f)}, {qs[2].ToString("F3", f)}]"));
    }
}
