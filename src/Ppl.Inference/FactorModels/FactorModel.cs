using Ppl.Distributions;
using Ppl.Distributions.Transforms;
using Ppl.Inference.Guides;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Inference.FactorModels;

/// <summary>
/// A factor model of many causes: each unit i has a latent Z_i of <see cref="Factors"/> dimensions, and
/// its m causes A_i1 … A_im are independent given Z_i and the per-cause parameters θ_j. This is the first
/// stage of the deconfounder (Wang &amp; Blei 2019): Ẑ = E[Z | A] is the substitute confounder.
/// </summary>
/// <remarks>
/// The program (<see cref="Model(FactorData)"/>): the per-cause sites in a plate <c>causes</c> (dim −1),
/// the units in a plate <c>units</c> (dim −2) that a <see cref="FactorData.Rows"/> batch subsamples,
/// Z_i at the site <c>z</c> (batch [n, 1], event [K]) and the causes at <c>a</c> ([n, m], observed
/// where <see cref="FactorData.Observed"/> says so). With <see cref="Factors"/> = 0 there is no
/// <c>z</c>: the causes are independent, the model a deconfounder's check must reject.
/// </remarks>
public abstract class FactorModel
{
    /// <summary>The site of each unit's latent Z_i.</summary>
    public const string LatentSite = "z";

    /// <summary>The site of the causes A_ij.</summary>
    public const string CausesSite = "a";

    /// <summary>The site of the per-cause loadings θ, [m, K], in every built-in model with factors.</summary>
    public const string LoadingsSite = "loadings";

    /// <summary>The plate over units (dim −2).</summary>
    public const string UnitsPlate = "units";

    /// <summary>The plate over causes (dim −1).</summary>
    public const string CausesPlate = "causes";

    /// <summary>A model of <paramref name="causes"/> causes with <paramref name="factors"/> latent dimensions per unit (0: none).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="causes"/> is below 1 or <paramref name="factors"/> below 0.</exception>
    protected FactorModel(int causes, int factors)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(causes, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(factors);
        Causes = causes;
        Factors = factors;
    }

    /// <summary>m, the number of causes.</summary>
    public int Causes { get; }

    /// <summary>K, the latent dimensions per unit.</summary>
    public int Factors { get; }

    /// <summary>The support of Z_i: an amortized guide maps a Normal onto it with <see cref="Bijectors.BijectTo"/>.</summary>
    public abstract Constraint LatentSupport { get; }

    /// <summary>The per-cause latent sample sites (θ), which a mean-field guide covers; empty when θ is all parameters (by default: <see cref="LoadingsSite"/> when there are factors).</summary>
    public virtual IReadOnlyList<string> CauseLatentSites => Factors == 0 ? [] : [LoadingsSite];

    /// <summary>
    /// Where the guide of <see cref="CauseLatentSites"/> starts for the causes [N, m] (entries where
    /// <paramref name="observed"/> is true; all when null): by default Pyro's feasible point (the image of 0
    /// in unconstrained space). A model whose SVI fit depends on its start overrides it with a fast point
    /// estimate from the data.
    /// </summary>
    public virtual InitStrategy CauseInit(Tensor causes, Tensor? observed) => InitStrategies.ToFeasible();

    /// <summary>The program: per-cause parameters, then each unit's Z_i and causes; returns the causes' value.</summary>
    /// <exception cref="ArgumentException">The causes or the mask do not have shape [N, m] with N the batch's data-set size.</exception>
    public Tensor Model(FactorData data) => Model(data, null);

    /// <summary>
    /// The program with <paramref name="perUnit"/> run inside the <c>units</c> plate after the causes, given
    /// Z (batch [n, 1], event [K]; null when <see cref="Factors"/> is 0) and the causes' value [n, m]: the
    /// place for sites that depend on both, such as the deconfounder's outcome. Under an intervention on
    /// <c>a</c> the value is the intervened one.
    /// </summary>
    /// <exception cref="ArgumentException">The causes or the mask do not have shape [N, m] with N the batch's data-set size.</exception>
    public Tensor Model(FactorData data, Action<Tensor?, Tensor>? perUnit)
    {
        ArgumentNullException.ThrowIfNull(data);
        Check(data);
        var device = data.Causes?.device ?? data.Observed?.device ?? CPU;
        long n = data.Rows.Count;
        IReadOnlyDictionary<string, Tensor> perCause;
        using (Plate(CausesPlate, Causes, dim: -1))
        {
            perCause = SampleCauseParameters(data, device);
        }

        using var units = data.Rows.Plate(UnitsPlate, dim: -2, device: device);
        Tensor? z = Factors == 0 ? null : Sample(LatentSite, LatentPrior(n, device).ToEvent(1)); // outside the causes plate: one Z_i per unit
        Tensor value;
        using (Plate(CausesPlate, Causes, dim: -1))
        {
            var entries = Entries(z?.squeeze(-2), n, perCause);
            var observed = data.Causes is null ? null : data.Rows.Select(data.Causes);
            if (data.Observed is { } mask)
            {
                entries = entries.Mask(data.Rows.Select(mask));
            }

            value = Sample(CausesSite, entries, obs: observed);
        }

        perUnit?.Invoke(z, value);
        return value;
    }

    /// <summary>
    /// Samples (or declares as params) the per-cause parameters θ inside the <c>causes</c> plate and
    /// returns them by name; <paramref name="data"/> is there to start parameters at data-based values
    /// (<see cref="ColumnMeans"/>).
    /// </summary>
    protected abstract IReadOnlyDictionary<string, Tensor> SampleCauseParameters(FactorData data, Device device);

    /// <summary>
    /// Each cause's mean over the entries <paramref name="data"/> observes, [m] float32, or null in a
    /// generative run: where a parameter that sets a cause's overall level (a bias, a mean, a rate)
    /// starts, so SVI does not spend its first epochs walking there from 0.
    /// </summary>
    protected static Tensor? ColumnMeans(FactorData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Causes is not { } causes)
        {
            return null;
        }

        using var noGrad = no_grad();
        var values = causes.to_type(ScalarType.Float32);
        if (data.Observed is null)
        {
            return values.mean([0L]);
        }

        var mask = data.Observed.to_type(ScalarType.Float32);
        return values.mul(mask).sum([0L]).div(mask.sum([0L]).clamp_min(1));
    }

    /// <summary>The prior of Z_i for <paramref name="n"/> units, batch [n, 1, K] (the event dim is declared by the caller); by default N(0, I_K).</summary>
    protected virtual Distribution LatentPrior(long n, Device device) => new Normal(zeros(n, 1, Factors, device: device), 1.0);

    /// <summary>The loadings' sample site with prior N(0, <paramref name="scale"/>² I_K) per cause (call it inside the <c>causes</c> plate).</summary>
    protected Tensor SampleNormalLoadings(double scale, Device device) =>
        Sample(LoadingsSite, new Normal(zeros(Causes, Factors, device: device), scale).ToEvent(1));

    /// <summary>Z_i · θ_j for every unit and cause: Z [.., n, K] and loadings [m, K] give [.., n, m].</summary>
    protected static Tensor Project(Tensor z, Tensor loadings)
    {
        ArgumentNullException.ThrowIfNull(z);
        return z.unsqueeze(-2).BatchedDot(loadings);
    }

    /// <summary>
    /// The distribution of the causes given Z [.., n, K] (null when <see cref="Factors"/> is 0) and the
    /// per-cause parameters: batch [.., n, m] for the <paramref name="units"/> = n units of the run.
    /// </summary>
    protected abstract Distribution Entries(Tensor? z, long units, IReadOnlyDictionary<string, Tensor> perCause);

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

        if (data.Observed is { } mask && mask.dtype != ScalarType.Bool)
        {
            throw new ArgumentException($"{GetType().Name}.Model: the observed mask must be bool; got {mask.dtype}.", nameof(data));
        }
    }
}
