using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>The check and host copy every structure learner makes of its data matrix.</summary>
internal static class StructureData
{
    /// <summary>
    /// X as a float64 CPU tensor of the caller's dispose scope, after checking that it is
    /// [n samples, d variables] with n ≥ 2, d ≥ 1 and finite entries.
    /// </summary>
    /// <exception cref="ArgumentException">X is not 2-D, has fewer than 2 rows or no column, or has non-finite entries; the message names <paramref name="site"/>.</exception>
    public static Tensor HostFloat64(Tensor data, string site)
    {
        if (data.dim() != 2 || data.shape[0] < 2 || data.shape[1] < 1)
        {
            throw new ArgumentException($"{site}: X must be 2-D [n samples, d variables] with n ≥ 2 and d ≥ 1; got shape [{string.Join(", ", data.shape)}]. Put samples in rows and variables in columns.", nameof(data));
        }

        var x = data.detach().to(float64).cpu().contiguous();
        if (!x.isfinite().all().item<bool>())
        {
            throw new ArgumentException($"{site}: X [{x.shape[0]}, {x.shape[1]}] has {x.isfinite().logical_not().sum().item<long>()} NaN or infinite entries; drop or impute those rows first.", nameof(data));
        }

        return x;
    }
}
