using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Inference.FactorModels;

/// <summary>
/// A factor model of many causes: each unit i has a latent Z_i of <see cref="Factors"/> dimensions, and
/// its m causes A_i1 … A_im are independent given Z_i and the per-cause parameters θ_j. This is the first
/// stage of the deconfounder (Wang &amp; Blei 2019): Ẑ = E[Z | A] is the substitute confounder.
/// </summary>
/// <remarks>
/// The program (<see cref="Model"/>): the per-cause sites in a plate <c>causes</c> (dim −1), the units
/// in a plate <c>units</c> (dim −2) that a <see cref="FactorData.Rows"/> batch subsamples, Z_i at the
/// site <c>z</c> (batch [n, 1], event [K]) and the causes at <c>a</c> ([n, m], observed where
/// <see cref="FactorData.Observed"/> says so).
/// </remarks>
public abstract class FactorModel
{
    /// <summary>The site of each unit's latent Z_i.</summary>
    public const string LatentSite = "z";

    /// <summary>The site of the causes A_ij.</summary>
    public const string CausesSite = "a";

    /// <summary>The plate over units (dim −2).</summary>
    public const string UnitsPlate = "units";

    /// <summary>The plate over causes (dim −1).</summary>
    public const string CausesPlate = "causes";

    /// <summary>A model of <paramref name="causes"/> causes with <paramref name="factors"/> latent dimensions per unit.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is below 1.</exception>
    protected FactorModel(int causes, int factors)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(causes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(factors, 1);
        Causes = causes;
        Factors = factors;
    }

    /// <summary>m, the number of causes.</summary>
    public int Causes { get; }

    /// <summary>K, the latent dimensions per unit.</summary>
    public int Factors { get; }

    /// <summary>The program: per-cause parameters, then each unit's Z_i and causes.</summary>
    /// <exception cref="ArgumentException">The causes or the mask do not have shape [N, m] with N the batch's data-set size.</exception>
    public Tensor Model(FactorData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        Check(data);
        var device = data.Causes?.device ?? data.Observed?.device ?? CPU;
        long n = data.Rows.Count;
        IReadOnlyDictionary<string, Tensor> perCause;
        using (Plate(CausesPlate, Causes, dim: -1))
        {
            perCause = SampleCauseParameters(device);
        }

        using var units = data.Rows.Plate(UnitsPlate, dim: -2, device: device);
        var z = Sample(LatentSite, LatentPrior(n, device).ToEvent(1)); // outside the causes plate: one Z_i per unit
        using var causes = Plate(CausesPlate, Causes, dim: -1);
        var entries = Entries(z.squeeze(-2), perCause);
        var observed = data.Causes is null ? null : data.Rows.Select(data.Causes);
        if (data.Observed is { } mask)
        {
            entries = entries.Mask(data.Rows.Select(mask));
        }

        return Sample(CausesSite, entries, obs: observed);
    }

    /// <summary>Samples (or declares as params) the per-cause parameters θ inside the <c>causes</c> plate and returns them by name.</summary>
    protected abstract IReadOnlyDictionary<string, Tensor> SampleCauseParameters(Device device);

    /// <summary>The prior of Z_i for <paramref name="n"/> units, batch [n, 1, K] (the event dim is declared by the caller).</summary>
    protected abstract Distribution LatentPrior(long n, Device device);

    /// <summary>The distribution of the causes given Z [n, K] and the per-cause parameters: batch [n, m].</summary>
    public abstract Distribution Entries(Tensor z, IReadOnlyDictionary<string, Tensor> perCause);

    private void Check(FactorData data)
    {
        foreach (var (name, t) in new[] { ("causes", data.Causes), ("observed mask", data.Observed) })
        {
            if (t is not null && (t.dim() != 2 || t.shape[0] != data.Rows.DataSize || t.shape[1] != Causes))
            {
                throw new ArgumentException(
                    $"{GetType().Name}.Model: the {name} must have shape [{data.Rows.DataSize}, {Causes}] (units of the data set × causes); got {ShapeUtil.Format(t.shape)}.",
                    nameof(data));
            }
        }
    }
}
