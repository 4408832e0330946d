using Ppl.Handlers;
using Ppl.Inference;
using Ppl.Params;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Elbo;

/// <summary>Repeated gradient estimates of an ELBO's surrogate loss, summarized by mean and standard error.</summary>
internal static class GradientSampler
{
    /// <summary>
    /// <paramref name="repetitions"/> independent estimates (seeded 1, 2, …) of ∂loss/∂θ for each
    /// named parameter (the unconstrained value in the store), as a [repetitions, parameters] array.
    /// </summary>
    public static double[,] Sample(Ppl.Inference.Elbo elbo, Func<int, object?> model, Func<int, object?> guide, ParamStore store, string[] names, int repetitions)
    {
        var result = new double[repetitions, names.Length];
        for (int r = 0; r < repetitions; r++)
        {
            using var scope = NewDisposeScope();
            Tensor loss;
            using (store.Activate())
            using (new SeedMessenger(r + 1).Install())
            {
                loss = elbo.DifferentiableLoss(model, guide, 0);
            }

            var parameters = names.Select(n => (Tensor)store.GetUnconstrained(n)).ToList();
            var grads = autograd.grad([loss], parameters, allow_unused: true);
            for (int k = 0; k < names.Length; k++)
            {
                result[r, k] = grads[k] is null ? 0 : grads[k].to(ScalarType.Float64).sum().item<double>();
            }
        }

        return result;
    }

    /// <summary>Mean, variance and standard error of the mean of column <paramref name="k"/>.</summary>
    public static (double Mean, double Variance, double StandardError) Column(double[,] samples, int k)
    {
        int n = samples.GetLength(0);
        var xs = Enumerable.Range(0, n).Select(i => samples[i, k]).ToArray();
        double mean = xs.Average();
        double variance = xs.Sum(x => (x - mean) * (x - mean)) / (n - 1);
        return (mean, variance, Math.Sqrt(variance / n));
    }

    /// <summary>
    /// Asserts the estimate is within five standard errors of the exact value (a correct estimator
    /// fails about once in 1.7 million), after checking the standard error against its ceiling from
    /// <paramref name="estimateVariance"/> and <paramref name="estimateKurtosis"/>, the variance and
    /// kurtosis of one gradient estimate (one repetition) from theory.
    /// </summary>
    public static void AssertUnbiased(double[,] samples, int k, double exact, string what, double estimateVariance, double estimateKurtosis = 3)
    {
        var (mean, _, se) = Column(samples, k);
        StandardErrorCeiling.Check(se, StandardErrorCeiling.OfMean(estimateVariance, samples.GetLength(0), estimateKurtosis), what);
        Assert.True(Math.Abs(mean - exact) <= (5 * se) + 1e-9, $"{what}: estimate {mean:G6} ± {se:G3}, exact {exact:G6}");
    }
}
