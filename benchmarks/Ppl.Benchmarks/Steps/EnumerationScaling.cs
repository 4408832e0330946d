using System.Diagnostics;
using System.Globalization;
using Ppl.Distributions;
using Ppl.Inference;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Benchmarks.Steps;

/// <summary>
/// How <see cref="TraceEnumElbo"/>'s cost grows with a chain's length: the exact log-likelihood of a
/// three-state HMM with Gaussian emissions written with <see cref="Primitives.Markov{T}"/>, for T = 50,
/// 500 and 5,000 steps (median of a few evaluations each, after one warm-up), and the time and the
/// native memory per step: <c>... -- enum-hmm [repeats]</c>. Linear growth shows as a flat time and a
/// flat memory per step. The memory is every tensor one evaluation creates, counted in its dispose scope
/// before the scope frees them (an upper bound of the evaluation's peak).
/// </summary>
public static class EnumerationScaling
{
    private static readonly int[] Lengths = [50, 500, 5000];
    private static readonly double[,] Transition = { { 0.8, 0.1, 0.1 }, { 0.2, 0.7, 0.1 }, { 0.1, 0.2, 0.7 } };
    private static readonly double[] Means = [-1.5, 0.0, 1.5];
    private static readonly double[] Initial = [0.5, 0.3, 0.2];

    /// <summary>Times <paramref name="repeats"/> evaluations per length.</summary>
    public static void Run(int repeats)
    {
        BenchEnvironment.Apply();
        var transition = tensor(Transition);
        var means = tensor(Means);
        var initial = tensor(Initial);
        Func<Tensor, object?> hmm = data =>
        {
            Tensor? state = null;
            foreach (int t in Markov(Enumerable.Range(0, (int)data.shape[0])))
            {
                state = Sample($"z_{t}", Categorical.FromProbs(state is null ? initial : transition.index(state)));
                Sample($"x_{t}", new Normal(means.index(state), 0.8), obs: data[t]);
            }

            return null;
        };
        var model = hmm.ConfigEnumerate();
        var elbo = new TraceEnumElbo { MaxPlateNesting = 0 };
        Console.WriteLine("| steps T | median ms per evaluation | μs per step | tensors per evaluation | MB per evaluation | bytes per step | log p(x) |");
        Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
        foreach (int steps in Lengths)
        {
            var data = randn([steps], dtype: ScalarType.Float64, generator: new Generator(1)).mul(1.5);
            double logLikelihood = -elbo.Loss(model, _ => null, data); // warm-up
            var times = new List<double>();
            for (int r = 0; r < repeats; r++)
            {
                long t0 = Stopwatch.GetTimestamp();
                elbo.Loss(model, _ => null, data);
                times.Add(Stopwatch.GetElapsedTime(t0).TotalMilliseconds);
            }

            var (tensors, bytes) = Allocated(() => elbo.Estimate(model, _ => null, data));
            double median = BenchStatistics.Median(times);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {steps:N0} | {median:F1} | {1000 * median / steps:F1} | {tensors:N0} | {bytes / 1e6:F2} | {(double)bytes / steps:F0} | {logLikelihood:F3} |"));
        }
    }

    /// <summary>The tensors <paramref name="evaluate"/> creates (without gradients) and their bytes, counted before they are freed.</summary>
    private static (int Tensors, long Bytes) Allocated(Action evaluate)
    {
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            evaluate();
        }

        var tensors = scope.DisposablesView.OfType<Tensor>().Where(t => !t.IsInvalid).ToList();
        return (tensors.Count, tensors.Sum(t => t.numel() * t.ElementSize));
    }
}
