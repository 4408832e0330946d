using static TorchSharp.torch;

namespace Ppl.Examples.FrozenLake.Mdp;

/// <summary>A number estimated from data with its standard error (zero for exact values).</summary>
/// <param name="Value">The estimate.</param>
/// <param name="StandardError">Its standard error.</param>
public sealed record Estimate(double Value, double StandardError)
{
    /// <summary>The mean of independent draws <paramref name="samples"/> [N] and its standard error s/√N.</summary>
    /// <exception cref="ArgumentException">Fewer than two draws.</exception>
    public static Estimate OfMean(Tensor samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        long n = samples.numel();
        if (n < 2)
        {
            throw new ArgumentException($"a standard error needs at least two draws; got {n}.", nameof(samples));
        }

        using var flat = samples.flatten().to(ScalarType.Float64);
        using var mean = flat.mean();
        using var std = flat.std();
        return new Estimate(mean.item<double>(), std.item<double>() / Math.Sqrt(n));
    }

    /// <summary>An exact value (standard error zero).</summary>
    public static Estimate Exact(double value) => new(value, 0);

    /// <summary>True when <paramref name="truth"/> lies within <paramref name="k"/> standard errors (of both sides, combined).</summary>
    public bool Covers(Estimate truth, double k)
    {
        ArgumentNullException.ThrowIfNull(truth);
        double se = Math.Sqrt((StandardError * StandardError) + (truth.StandardError * truth.StandardError));
        return Math.Abs(Value - truth.Value) <= k * se;
    }

    /// <inheritdoc />
    public override string ToString() =>
        StandardError == 0 ? $"{Value:F4} (exact)" : $"{Value:F4} ± {StandardError:F4}";
}
