using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// The trivial distribution over the empty value, whose log-probability is a given factor.
/// <c>Factor(name, logFactor)</c> observes it to add the factor to a model's density.
/// </summary>
public sealed class Unit : Distribution
{
    private readonly bool? hasRSample;

    /// <summary>A factor of log-density <paramref name="logFactor"/>.</summary>
    /// <param name="logFactor">The log-density contribution, shape <c>BatchShape</c>.</param>
    /// <param name="hasRSample">
    /// Whether the factor arose from reparameterized sampling (its gradient is pathwise) or not
    /// (an ELBO gives it a score-function term). Irrelevant in a model; an ELBO requires it for
    /// a factor in a guide, so null (not declared) is an error there.
    /// </param>
    /// <exception cref="ArgumentException">
    /// Validation is on and some entry of <paramref name="logFactor"/> is NaN or +∞ (−∞, a hard
    /// constraint that gives the point weight 0, is allowed).
    /// </exception>
    public Unit(Tensor logFactor, bool? hasRSample = null)
        : this(logFactor, hasRSample, factorChecked: false)
    {
    }

    private Unit(Tensor logFactor, bool? hasRSample, bool factorChecked)
        : base(Checked(logFactor).Shape(), [0])
    {
        LogFactor = logFactor;
        this.hasRSample = hasRSample;
        if (!factorChecked)
        {
            RequireLogWeight(logFactor, nameof(logFactor));
        }
    }

    /// <summary>The log-density contribution.</summary>
    public Tensor LogFactor { get; }

    /// <inheritdoc />
    public override Constraint Support => Constraints.Real;

    /// <summary>False unless declared true (Pyro's default for a factor).</summary>
    public override bool HasRSample => hasRSample ?? false;

    /// <summary>The <c>hasRSample</c> the factor was created with; null when it was not declared.</summary>
    public bool? DeclaredHasRSample => hasRSample;

    /// <inheritdoc />
    public override Device Device => LogFactor.device;

    /// <inheritdoc />
    public override ScalarType DType => LogFactor.dtype;

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) => new Unit(LogFactor.expand(batchShape), hasRSample, factorChecked: true);

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape) =>
        torch.empty(ExtendedShape(sampleShape), dtype: DType, device: Device);

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value) =>
        LogFactor.expand(ShapeUtil.Broadcast(value.Shape().AsSpan(0, value.Shape().Length - 1), BatchShape));

    /// <inheritdoc />
    protected override void ValidateSample(Tensor value)
    {
        if (value.dim() == 0 || value.Shape()[^1] != 0)
        {
            throw new ArgumentException($"Unit: value of shape {ShapeUtil.Format(value.Shape())} must have an empty last dimension.", nameof(value));
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"Unit(log_factor: {ShapeUtil.Format(LogFactor.Shape())})";

    private static Tensor Checked(Tensor t) => t ?? throw new ArgumentNullException(nameof(t));
}
