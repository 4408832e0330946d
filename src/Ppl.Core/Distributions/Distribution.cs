using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// A batch of probability distributions over tensors (Pyro's / PyTorch's <c>Distribution</c>).
/// Shapes follow PyTorch: a draw has shape <c>sampleShape + BatchShape + EventShape</c> and
/// <see cref="LogProb"/> returns <c>sampleShape + BatchShape</c>. Parameters stay on the caller's
/// device and dtype and follow ordinary tensor lifetimes (distributions own nothing).
/// </summary>
public abstract class Distribution
{
    /// <summary>Creates a distribution with the given batch and event shapes.</summary>
    protected Distribution(long[] batchShape, long[] eventShape)
    {
        BatchShape = batchShape;
        EventShape = eventShape;
    }

    [ThreadStatic]
    private static bool? t_validationOnThisThread;

    private static bool s_validationEnabled = true;

    /// <summary>
    /// Turns argument and support validation on or off (on by default; Pyro's <c>enable_validation</c>).
    /// Setting it applies to every thread; <see cref="ValidationOnThisThread"/> overrides it on one.
    /// </summary>
    public static bool ValidationEnabled
    {
        get => t_validationOnThisThread ?? s_validationEnabled;
        set => s_validationEnabled = value;
    }

    /// <summary>
    /// Turns validation on or off for the calling thread only, until the result is disposed (an inner loop
    /// that has checked its inputs once, as MCMC does after its first evaluation, while other threads keep theirs).
    /// </summary>
    public static IDisposable ValidationOnThisThread(bool enabled)
    {
        var previous = t_validationOnThisThread;
        t_validationOnThisThread = enabled;
        return new ThreadValidationRestore(previous);
    }

    private sealed class ThreadValidationRestore(bool? previous) : IDisposable
    {
        public void Dispose() => t_validationOnThisThread = previous;
    }

    /// <summary>Shape of the batch of independent (not identically distributed) distributions.</summary>
    public long[] BatchShape { get; }

    /// <summary>Shape of one draw of a single distribution.</summary>
    public long[] EventShape { get; }

    /// <summary>The set of values with positive density.</summary>
    public abstract Constraint Support { get; }

    /// <summary>True when <see cref="RSample(Generator?, long[])"/> gives pathwise gradients.</summary>
    public virtual bool HasRSample => false;

    /// <summary>The device the parameters live on.</summary>
    public abstract Device Device { get; }

    /// <summary>The floating dtype of the parameters.</summary>
    public abstract ScalarType DType { get; }

    /// <summary>The mean, shape <c>BatchShape + EventShape</c>.</summary>
    public virtual Tensor Mean => throw new NotSupportedException($"{GetType().Name} has no closed-form mean.");

    /// <summary>The variance, shape <c>BatchShape + EventShape</c>.</summary>
    public virtual Tensor Variance => throw new NotSupportedException($"{GetType().Name} has no closed-form variance.");

    /// <summary>The entropy, shape <c>BatchShape</c>.</summary>
    public virtual Tensor Entropy() => throw new NotSupportedException($"{GetType().Name} has no closed-form entropy.");

    /// <summary>Draws without gradient, shape <c>sampleShape + BatchShape + EventShape</c>.</summary>
    public Tensor Sample(params long[] sampleShape) => Sample(null, sampleShape);

    /// <summary>Draws without gradient using <paramref name="generator"/> (the default generator when null).</summary>
    public Tensor Sample(Generator? generator, params long[] sampleShape)
    {
        using (no_grad())
        {
            return SampleCore(generator, sampleShape ?? []);
        }
    }

    /// <summary>Draws with pathwise gradients to the parameters.</summary>
    /// <exception cref="NotSupportedException">The family has no reparameterized sampler.</exception>
    public Tensor RSample(Generator? generator, params long[] sampleShape)
    {
        if (!HasRSample)
        {
            throw new NotSupportedException($"{this} has no reparameterized sampler (HasRSample is false); use Sample.");
        }

        return SampleCore(generator, sampleShape ?? []);
    }

    /// <summary>Draws with pathwise gradients to the parameters.</summary>
    public Tensor RSample(params long[] sampleShape) => RSample(null, sampleShape);

    /// <summary>Log-density (or log-mass) of <paramref name="value"/>, shape <c>sampleShape + BatchShape</c>.</summary>
    /// <exception cref="ArgumentException">Validation is on and the value is outside <see cref="Support"/>.</exception>
    public Tensor LogProb(Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (ValidationEnabled)
        {
            ValidateSample(value);
        }

        return LogProbCore(value);
    }

    /// <summary>True when the support is finite and the same for every batch member, so <see cref="EnumerateSupport"/> lists it (Pyro's <c>has_enumerate_support</c>).</summary>
    public virtual bool HasEnumerateSupport => false;

    /// <summary>
    /// Every value of the support in order (Pyro's <c>enumerate_support</c>): shape
    /// <c>[n] + BatchShape + EventShape</c>, or with <paramref name="expand"/> false
    /// <c>[n] + [1, …, 1] + EventShape</c>, which broadcasts against the batch.
    /// </summary>
    /// <exception cref="NotSupportedException">The family has no finite support to list (<see cref="HasEnumerateSupport"/> is false).</exception>
    public Tensor EnumerateSupport(bool expand = true)
    {
        if (!HasEnumerateSupport)
        {
            throw new NotSupportedException($"{this} has no finite support to enumerate (HasEnumerateSupport is false).");
        }

        var values = EnumerateSupportCore();
        long n = values.Shape()[0];
        var shaped = values.reshape([n, .. Enumerable.Repeat(1L, BatchShape.Length), .. EventShape]);
        return expand ? shaped.expand([n, .. BatchShape, .. EventShape]) : shaped;
    }

    /// <summary>The support's values, shape <c>[n] + EventShape</c>; called only when <see cref="HasEnumerateSupport"/> is true.</summary>
    protected internal virtual Tensor EnumerateSupportCore() =>
        throw new NotSupportedException($"{GetType().Name} has no finite support to enumerate.");

    /// <summary>The same distribution broadcast to a larger batch shape (Pyro's <c>expand</c>).</summary>
    /// <exception cref="ArgumentException">The current batch shape does not broadcast to <paramref name="batchShape"/>.</exception>
    public Distribution Expand(params long[] batchShape)
    {
        ArgumentNullException.ThrowIfNull(batchShape);
        if (ShapeUtil.SameShape(batchShape, BatchShape))
        {
            return this;
        }

        if (batchShape.Length < BatchShape.Length || !ShapeUtil.SameShape(ShapeUtil.Broadcast(BatchShape, batchShape), batchShape))
        {
            throw new ArgumentException(
                $"{GetType().Name}: cannot expand batch shape {ShapeUtil.Format(BatchShape)} to {ShapeUtil.Format(batchShape)}.",
                nameof(batchShape));
        }

        return ExpandCore(batchShape);
    }

    /// <summary>Reinterprets the rightmost <paramref name="reinterpretedBatchDims"/> batch dims as event dims (Pyro's <c>to_event</c>).</summary>
    public Distribution ToEvent(int reinterpretedBatchDims = 1) =>
        reinterpretedBatchDims == 0 ? this : new Independent(this, reinterpretedBatchDims);

    /// <summary>Masks log-densities where <paramref name="mask"/> (bool, broadcastable to the batch shape) is false.</summary>
    public Distribution Mask(Tensor mask) => new MaskedDistribution(this, mask);

    /// <summary>
    /// This distribution without the check of values against its support (Pyro's
    /// <c>validate_args=False</c>), for relaxed likelihoods such as a Bernoulli on gray-level pixels;
    /// see <see cref="UnvalidatedDistribution"/>. Inside or outside <see cref="ToEvent"/> alike
    /// (an event wrapper leaves value checks to its base).
    /// </summary>
    public Distribution Unvalidated() => new UnvalidatedDistribution(this);

    /// <summary>
    /// The distribution broadcast to <paramref name="batchShape"/> (already checked to be valid).
    /// The default wraps it in an <see cref="ExpandedDistribution"/>; families override it to
    /// expand their parameters instead.
    /// </summary>
    protected internal virtual Distribution ExpandCore(long[] batchShape) => new ExpandedDistribution(this, batchShape);

    /// <summary>Drawing logic; <paramref name="generator"/> may be null.</summary>
    protected internal abstract Tensor SampleCore(Generator? generator, long[] sampleShape);

    /// <summary>Log-density logic, called after validation.</summary>
    protected internal abstract Tensor LogProbCore(Tensor value);

    /// <summary><c>sampleShape + BatchShape + EventShape</c>.</summary>
    protected long[] ExtendedShape(long[] sampleShape) => [.. sampleShape, .. BatchShape, .. EventShape];

    /// <summary>
    /// Runs this distribution's value checks alone, without the density. Wrappers validate through
    /// their base with it: calling the base's <see cref="LogProb"/> instead would evaluate the
    /// base's whole log-density a second time per call (the dominant cost of validation in a VAE).
    /// </summary>
    internal void ValidateValue(Tensor value) => ValidateSample(value);

    /// <summary>
    /// A reparameterized draw (<see cref="RSample(Generator?, long[])"/>) together with what it
    /// was drawn from, for the caller to keep beside the value (the sample primitive records it
    /// on the message). The noise is null for a family that records none and for a draw made
    /// without gradients, which has no pathwise gradient for the noise to stand for.
    /// </summary>
    /// <exception cref="NotSupportedException">The family has no reparameterized sampler.</exception>
    internal (Tensor Value, DrawNoise? Noise) RSampleWithNoise(Generator? generator, params long[] sampleShape)
    {
        if (!HasRSample)
        {
            throw new NotSupportedException($"{this} has no reparameterized sampler (HasRSample is false); use Sample.");
        }

        var (value, noise) = SampleWithNoise(generator, sampleShape ?? []);
        return noise is null || is_grad_enabled() ? (value, noise) : (value, null);
    }

    /// <summary>
    /// <see cref="SampleCore"/> and the <see cref="DrawNoise"/> of the draw (null when the family
    /// records none: the default). The value is the one <see cref="SampleCore"/> would draw.
    /// </summary>
    internal virtual (Tensor Value, DrawNoise? Noise) SampleWithNoise(Generator? generator, long[] sampleShape) =>
        (SampleCore(generator, sampleShape), null);

    /// <summary>
    /// The log-density of <paramref name="value"/>, a draw this distribution made with gradients
    /// from <paramref name="noise"/> (<see cref="RSampleWithNoise"/>), computed from the noise;
    /// null when the family cannot. Its value equals <see cref="LogProb"/>'s, and so does its
    /// total derivative with respect to everything upstream of the draw (the noise term is
    /// constant along the draw), but it has no gradient path through <paramref name="value"/>
    /// itself. That is what an ELBO's log q needs, at a fraction of the ops; a caller that
    /// differentiates with respect to the value must use <see cref="LogProb"/>. The value is not
    /// validated: it was drawn here. Call it in the computation that drew the value, before any
    /// parameter is updated in place.
    /// </summary>
    internal virtual Tensor? LogProbFromNoise(Tensor value, DrawNoise noise) => null;

    /// <summary>Throws when a value is outside the support or of incompatible shape.</summary>
    protected virtual void ValidateSample(Tensor value)
    {
        if (value.device_type == DeviceType.META)
        {
            return; // a meta tensor has no values to check
        }

        if (!Support.HoldsEverywhere(value))
        {
            throw new ArgumentException(
                $"{GetType().Name}: value of shape {ShapeUtil.Format(value.Shape())} is outside the support {Support} of {this}.",
                nameof(value));
        }
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless every entry of <paramref name="value"/> is
    /// positive and finite (a scale, a rate, a concentration: +∞ is no distribution either), decided
    /// by one min-max reduction; a failure gets <see cref="Require"/>'s message.
    /// </summary>
    protected void RequirePositive(Tensor value, string parameter)
    {
        ArgumentNullException.ThrowIfNull(value);
        ParameterCheck.Positive(GetType().Name, value, parameter);
    }

    /// <summary>
    /// Throws <see cref="ArgumentException"/> unless every entry of <paramref name="value"/> is
    /// finite (a location, a logit of a two-outcome family), decided by one sum; a failure gets
    /// <see cref="Require"/>'s message.
    /// </summary>
    protected void RequireFinite(Tensor value, string parameter)
    {
        ArgumentNullException.ThrowIfNull(value);
        ParameterCheck.Finite(GetType().Name, value, parameter);
    }

    /// <summary><see cref="RequirePositive"/> for [0, ∞) (a rate that may be 0, a count).</summary>
    private protected void RequireNonNegative(Tensor value, string parameter) =>
        ParameterCheck.NonNegative(GetType().Name, value ?? throw new ArgumentNullException(nameof(value)), parameter);

    /// <summary>Throws unless no entry is NaN (±∞ allowed), decided by one sum.</summary>
    private protected void RequireNotNaN(Tensor value, string parameter) =>
        ParameterCheck.NotNaN(GetType().Name, value ?? throw new ArgumentNullException(nameof(value)), parameter);

    /// <summary>Throws unless every entry is a log-weight: not NaN, not +∞ (−∞ is a weight of 0), decided by one min-max reduction.</summary>
    private protected void RequireLogWeight(Tensor value, string parameter) =>
        ParameterCheck.LogWeight(GetType().Name, value ?? throw new ArgumentNullException(nameof(value)), parameter);

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the family, the parameter, its shape and the
    /// first offending entries (with their indices) when <paramref name="ok"/>(<paramref name="value"/>)
    /// is false anywhere. The check runs only while validation is on and never on the meta device
    /// (no values there).
    /// </summary>
    protected void Require(Tensor value, string parameter, string requirement, Func<Tensor, Tensor> ok)
    {
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(ok);
        ParameterCheck.Exact(GetType().Name, value, parameter, requirement, ok);
    }

    /// <summary>
    /// Throws unless <paramref name="value"/>, a parameter given as a <c>double</c>, satisfies
    /// <paramref name="ok"/> as <paramref name="dtype"/> stores it (1e-50 is 0 in float32). Managed:
    /// no tensor op, and it runs on the meta device too.
    /// </summary>
    private protected void RequireScalar(double value, ScalarType dtype, string parameter, string requirement, Func<double, bool> ok) =>
        ParameterCheck.Scalar(GetType().Name, value, dtype, parameter, requirement, ok);

    /// <summary><see cref="RequireScalar"/> for a finite real.</summary>
    private protected void RequireFiniteScalar(double value, ScalarType dtype, string parameter) =>
        RequireScalar(value, dtype, parameter, "finite", double.IsFinite);

    /// <summary><see cref="RequireScalar"/> for a positive finite real.</summary>
    private protected void RequirePositiveScalar(double value, ScalarType dtype, string parameter) =>
        RequireScalar(value, dtype, parameter, "positive and finite", static x => x > 0 && double.IsFinite(x));

    /// <inheritdoc />
    public override string ToString() =>
        $"{GetType().Name}(batch: {ShapeUtil.Format(BatchShape)}, event: {ShapeUtil.Format(EventShape)})";
}
