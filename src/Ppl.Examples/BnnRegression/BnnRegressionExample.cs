using System.Diagnostics;
using System.Globalization;
using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Examples.BnnRegression;

/// <summary>
/// A Bayesian neural network (1 → 50 → 1, half tanh and half ReLU units, Normal(0, 1) priors on every weight and bias,
/// known observation noise) written as a <see cref="Modules.PplModule{TIn, TOut}"/> and fitted by
/// AutoNormal to y = x·sin(x) + noise observed on two clusters of inputs with a gap between them.
/// The posterior predictive (5–95% band, mean) is drawn over a wider range than the data and
/// plotted; the band is narrow where the data are dense and widens in the gap and beyond the data.
/// </summary>
public sealed class BnnRegressionExample : IExample
{
    private const double TrueNoise = 0.2;
    private const double GridLimit = 6;

    /// <inheritdoc />
    public string Name => "bnn-regression";

    /// <inheritdoc />
    public string Description => "Bayesian neural network (PplModule priors) fitted by AutoNormal; predictive bands widen in a gap in the data.";

    /// <inheritdoc />
    public IReadOnlyList<ExampleOption> Options { get; } =
    [
        new("out", "Directory the PNG plot is written to.", "bnn-regression-plots"),
        new("steps", "SVI steps.", "6000"),
    ];

    /// <inheritdoc />
    public ExampleResult Run(ExampleOptions options, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        int n = options.Smoke ? 60 : 120;
        int steps = (int)(options.Smoke ? 1200 : options.GetInt64("steps", 6000));
        int draws = options.Smoke ? 200 : 1000;
        string outDir = options.Get("out", "bnn-regression-plots");
        Directory.CreateDirectory(outDir);

        using var scope = NewDisposeScope();
        random.manual_seed(options.Seed);
        var (x, y) = Data(n);
        using var bnn = new Bnn(width: 50, priorScale: 1.0);

        Tensor Model((Tensor X, Tensor? Y) data)
        {
            var f = Deterministic("f", Module("bnn", bnn).forward(data.X));
            using var rows = Plate("data", data.X.shape[0]);
            return Sample("y", new Normal(f, TrueNoise), obs: data.Y);
        }

        output.WriteLine($"Data: {n} points of y = x·sin(x) + N(0, {TrueNoise}²), x uniform on [-3.5, -1.5] ∪ [1.5, 3.5] (a gap at [-1.5, 1.5]).");
        output.WriteLine("Model: 1 → 50 → 1 network (25 tanh + 25 ReLU units), Normal(0, 1) priors on all 151 weights and biases, known noise; guide AutoNormal.");
        using var guide = new AutoNormal<(Tensor X, Tensor? Y)>(Model, init: InitStrategies.ToSample(), initScale: 0.01);
        using var adam = new Adam(0.03) { Schedule = LearningRateSchedule.Exponential(Math.Pow(0.1, 1.0 / steps)) };
        var svi = new Svi<(Tensor X, Tensor? Y)>(Model, guide.Guide, adam, new TraceElbo(), seed: options.Seed);
        var clock = Stopwatch.StartNew();
        double smoothed = double.NaN;
        ExampleProgress.Run(output, "SVI", steps, progress =>
        {
            for (int step = 1; step <= steps; step++)
            {
                double loss = svi.Step((x, y));
                smoothed = double.IsNaN(smoothed) ? loss : (0.99 * smoothed) + (0.01 * loss);
                if (step % 50 == 0 || step == steps)
                {
                    progress.Report(step, string.Create(CultureInfo.InvariantCulture, $"loss {smoothed:F1}"));
                }
            }

            return steps;
        });
        double fitSeconds = clock.Elapsed.TotalSeconds;
        // the posterior predictive on a grid reaching beyond the data
        clock.Restart();
        var grid = linspace(-GridLimit, GridLimit, 241).unsqueeze(-1);
        var predictive = new Predictive<(Tensor X, Tensor? Y)>(Model, guide.Guide, draws, returnSites: ["y", "f"], paramStore: svi.ParamStore);
        var samples = predictive.Sample((grid, null), seed: options.Seed + 1);
        var sorted = samples["y"].sort(dim: 0).Values;
        double[] lower = Row(sorted, (int)Math.Floor(0.05 * (draws - 1)));
        double[] upper = Row(sorted, (int)Math.Ceiling(0.95 * (draws - 1)));
        double[] mean = samples["f"].mean([0L]).to(ScalarType.Float64).data<double>().ToArray();
        double predictSeconds = clock.Elapsed.TotalSeconds;

        double[] xs = grid.squeeze(-1).to(ScalarType.Float64).data<double>().ToArray();
        double Width(Func<double, bool> where) => Enumerable.Range(0, xs.Length).Where(i => where(xs[i])).Average(i => upper[i] - lower[i]);
        double dense = Width(v => Math.Abs(v) is >= 2 and <= 3);
        double gap = Width(v => Math.Abs(v) <= 0.5);
        double far = Width(v => Math.Abs(v) >= 5);
        double rmse = Math.Sqrt(Enumerable.Range(0, xs.Length).Where(i => Math.Abs(xs[i]) is >= 2 and <= 3).Average(i => Math.Pow(mean[i] - Truth(xs[i]), 2)));

        var f = CultureInfo.InvariantCulture;
        output.WriteLine(string.Create(f, $"SVI: {steps} steps in {fitSeconds:F1} s, smoothed −ELBO {smoothed:F1}."));
        output.WriteLine(string.Create(f, $"Predictive: {draws} draws on {xs.Length} inputs in {predictSeconds:F1} s."));
        output.WriteLine("Mean width of the 5–95% predictive band:");
        output.WriteLine(string.Create(f, $"  where the data are dense (2 ≤ |x| ≤ 3): {dense:F3}"));
        output.WriteLine(string.Create(f, $"  in the gap (|x| ≤ 0.5):                 {gap:F3}  ({gap / dense:F1}× dense)"));
        output.WriteLine(string.Create(f, $"  beyond the data (|x| ≥ 5):               {far:F3}  ({far / dense:F1}× dense)"));
        output.WriteLine(string.Create(f, $"Predictive mean vs the true function where the data are dense: RMSE {rmse:F3}."));

        string path = Path.Combine(outDir, "bnn-regression.png");
        double[] truth = xs.Select(Truth).ToArray();
        var (xd, yd) = (x.squeeze(-1).to(ScalarType.Float64).data<double>().ToArray(), y.to(ScalarType.Float64).data<double>().ToArray());
        BandPlot.Write(path, new BandPlotData("Bayesian neural network (AutoNormal): posterior predictive", xd, yd, xs, truth, mean, lower, upper, (-10, 5)));
        output.WriteLine($"Plot: {path}");

        return new ExampleResult(new Dictionary<string, double>(StringComparer.Ordinal)
        {
            ["n"] = n,
            ["steps"] = steps,
            ["fitSeconds"] = fitSeconds,
            ["loss"] = smoothed,
            ["bandDense"] = dense,
            ["bandGap"] = gap,
            ["bandFar"] = far,
            ["rmseDense"] = rmse,
        });
    }

    /// <summary>The regression function the data come from.</summary>
    internal static double Truth(double x) => x * Math.Sin(x);

    /// <summary>n inputs, half on [-3.5, -1.5] and half on [1.5, 3.5], as [n, 1], and their noisy responses [n].</summary>
    private static (Tensor X, Tensor Y) Data(int n)
    {
        var u = rand(n).mul(2).add(1.5);
        var sign = arange(n).remainder(2).mul(2).sub(1).to(ScalarType.Float32);
        var x = u.mul(sign);
        var y = x.mul(x.sin()).add(randn(n).mul(TrueNoise));
        return (x.unsqueeze(-1), y);
    }

    private static double[] Row(Tensor sorted, int index) =>
        sorted[index].to(ScalarType.Float64).data<double>().ToArray();
}
