using static TorchSharp.torch;

namespace Ppl.Inference.FactorModels;

/// <summary>Which entries of a units × causes matrix a factor model is fitted to, and which it holds out for the predictive check.</summary>
public static class HeldOutEntries
{
    /// <summary>
    /// An observed mask [<paramref name="units"/>, <paramref name="causes"/>] that holds out each entry
    /// independently with probability <paramref name="fraction"/> (false = held out), drawn from
    /// <paramref name="seed"/> on <paramref name="device"/> (CPU when null).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is below 1 or the fraction is not in (0, 1).</exception>
    public static Tensor Draw(long units, long causes, double fraction, long seed, Device? device = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(units, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(causes, 1);
        if (!(fraction > 0 && fraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "HeldOutEntries.Draw: the held-out fraction must be in (0, 1).");
        }

        var generator = new Generator((ulong)seed);
        return rand(units, causes, generator: generator).ge(fraction).to(device ?? CPU);
    }
}
