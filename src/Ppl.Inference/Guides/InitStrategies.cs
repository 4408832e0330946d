using System.Runtime.InteropServices;
using Ppl.Distributions;
using Ppl.Distributions.Transforms;
using static TorchSharp.torch;

namespace Ppl.Inference.Guides;

/// <summary>
/// The standard <see cref="InitStrategy"/> choices (Pyro's <c>init_to_*</c> functions). Every
/// strategy returns a value inside the site's support with the shape <c>BatchShape + EventShape</c>.
/// </summary>
public static class InitStrategies
{
    /// <summary>The elementwise median of <paramref name="numSamples"/> prior draws; falls back to <see cref="ToFeasible"/> when drawing fails (e.g. on a device without the kernels).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numSamples"/> is less than 1.</exception>
    public static InitStrategy ToMedian(int numSamples = 15)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numSamples, 1);
        return (name, d, generator) =>
        {
            try
            {
                var draws = d.Sample(generator, numSamples);
                // the lower middle order statistic, as torch.median(dim) picks
                return draws.sort(0).Values.select(0, (numSamples - 1) / 2);
            }
            catch (Exception e) when (e is ExternalException or NotSupportedException or NotImplementedException)
            {
                return Feasible(d);
            }
        };
    }

    /// <summary>The prior mean; falls back to <see cref="ToMedian"/> for families without a closed-form mean.</summary>
    public static InitStrategy ToMean()
    {
        var fallback = ToMedian();
        return (name, d, generator) =>
        {
            try
            {
                return d.Mean.expand(FullShape(d));
            }
            catch (NotSupportedException)
            {
                return fallback(name, d, generator);
            }
        };
    }

    /// <summary>One prior draw.</summary>
    public static InitStrategy ToSample() => (_, d, generator) => d.Sample(generator);

    /// <summary>
    /// The given values for the named sites and <paramref name="fallback"/> (default
    /// <see cref="ToMedian"/>) for the others.
    /// </summary>
    public static InitStrategy ToValue(IReadOnlyDictionary<string, Tensor> values, InitStrategy? fallback = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        var other = fallback ?? ToMedian();
        return (name, d, generator) => values.TryGetValue(name, out var v) ? v.to(d.DType, d.Device).expand(FullShape(d)) : other(name, d, generator);
    }

    /// <summary>The image of zero in unconstrained space: <c>BijectTo(support).Forward(0)</c> (a point every support contains).</summary>
    public static InitStrategy ToFeasible() => (_, d, _) => Feasible(d);

    /// <summary>The image of a uniform draw from [−<paramref name="radius"/>, <paramref name="radius"/>] in unconstrained space.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="radius"/> is negative or not finite.</exception>
    public static InitStrategy ToUniform(double radius = 2.0)
    {
        if (!(radius >= 0) || double.IsInfinity(radius))
        {
            throw new ArgumentOutOfRangeException(nameof(radius), radius, "The radius must be finite and non-negative.");
        }

        return (_, d, generator) =>
        {
            var t = Bijectors.BijectTo(d.Support);
            var u = rand(t.InverseShape(FullShape(d)), dtype: d.DType, device: d.Device, generator: generator).mul(2 * radius).sub(radius);
            return t.Forward(u);
        };
    }

    private static Tensor Feasible(Distribution d)
    {
        var t = Bijectors.BijectTo(d.Support);
        return t.Forward(zeros(t.InverseShape(FullShape(d)), dtype: d.DType, device: d.Device));
    }

    private static long[] FullShape(Distribution d) => [.. d.BatchShape, .. d.EventShape];
}
