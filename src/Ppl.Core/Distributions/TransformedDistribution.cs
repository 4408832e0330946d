using Ppl.Distributions.Transforms;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// The law of y = fₖ(… f₁(x)) for x drawn from a base distribution (PyTorch's
/// <c>TransformedDistribution</c>). The density follows the change of variables:
/// log p(y) = log p_base(x) − Σ log |det ∂fᵢ/∂xᵢ|. Reparameterized when the base is.
/// When a transform consumes more rightmost dims than the base's event has, those base batch
/// dims become event dims, as in PyTorch.
/// </summary>
public sealed class TransformedDistribution : WrappedDistribution
{
    /// <summary>The law of <paramref name="transforms"/> (applied in order) of draws from <paramref name="baseDistribution"/>.</summary>
    /// <exception cref="ArgumentException">No transforms were given, or a transform needs more dims than the base has.</exception>
    public TransformedDistribution(Distribution baseDistribution, params Transform[] transforms)
        : this(Layout.Of(baseDistribution, transforms))
    {
    }

    private TransformedDistribution(Layout layout)
        : base(layout.Base, layout.BatchShape, layout.EventShape)
    {
        Transform = layout.Transform;
    }

    /// <summary>The composed transform from base draws to values.</summary>
    public Transform Transform { get; }

    /// <summary>The transforms in the order they are applied.</summary>
    public IReadOnlyList<Transform> Transforms => Transform is ComposeTransform c ? c.Parts : [Transform];

    /// <inheritdoc />
    public override Constraint Support
    {
        get
        {
            var codomain = Transform.Codomain;
            return EventShape.Length > codomain.EventDim ? Constraints.Independent(codomain, EventShape.Length - codomain.EventDim) : codomain;
        }
    }

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) =>
        new TransformedDistribution(Base.Expand([.. batchShape, .. Base.BatchShape[BatchShape.Length..]]), [.. Transforms]);

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape) =>
        Transform.Forward(Base.SampleCore(generator, sampleShape));

    /// <inheritdoc />
    internal override (Tensor Value, DrawNoise? Noise) SampleWithNoise(Generator? generator, long[] sampleShape)
    {
        var (x, baseNoise) = Base.SampleWithNoise(generator, sampleShape);
        var value = Transform.Forward(x);
        return (value, new DrawNoise(null, x, baseNoise) { ExpPreimage = Transform is ExpTransform ? x : null });
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value) => LogProbAt(Transform.Inverse(value), value, baseNoise: null);

    /// <inheritdoc />
    /// <remarks>The base point is the recorded base draw (no inverse), and the base's density comes from its own noise when it recorded some.</remarks>
    internal override Tensor? LogProbFromNoise(Tensor value, DrawNoise noise) =>
        noise.Preimage is { } x ? LogProbAt(x, value, noise.Base) : null;

    /// <summary>The change-of-variables density at the base point <paramref name="x"/> of <paramref name="value"/>.</summary>
    private Tensor LogProbAt(Tensor x, Tensor value, DrawNoise? baseNoise)
    {
        int eventDim = EventShape.Length;
        var logDet = TensorUtil.SumRightmost(Transform.LogAbsDetJacobianReadOnly(x, value), eventDim - Transform.CodomainEventDim);
        var baseEventDim = eventDim - Transform.CodomainEventDim + Transform.DomainEventDim;
        var baseDensity = (baseNoise is null ? null : Base.LogProbFromNoise(x, baseNoise)) ?? Base.LogProbCore(x);
        var baseLogProb = TensorUtil.SumRightmost(baseDensity, baseEventDim - Base.EventShape.Length);
        return baseLogProb.sub(logDet);
    }

    /// <inheritdoc />
    public override string ToString() => $"TransformedDistribution({Base}, {Transform})";

    /// <summary>Base (possibly reinterpreted) plus the composed transform and the resulting shapes.</summary>
    private sealed record Layout(Distribution Base, Transform Transform, long[] BatchShape, long[] EventShape)
    {
        public static Layout Of(Distribution baseDistribution, Transform[] transforms)
        {
            ArgumentNullException.ThrowIfNull(baseDistribution);
            ArgumentNullException.ThrowIfNull(transforms);
            if (transforms.Length == 0)
            {
                throw new ArgumentException("TransformedDistribution: needs at least one transform.", nameof(transforms));
            }

            var transform = transforms.Length == 1 ? transforms[0] : new ComposeTransform(transforms);
            long[] baseShape = [.. baseDistribution.BatchShape, .. baseDistribution.EventShape];
            if (transform.DomainEventDim > baseShape.Length)
            {
                throw new ArgumentException(
                    $"TransformedDistribution: {transform} needs {transform.DomainEventDim} event dims but {baseDistribution} has shape {ShapeUtil.Format(baseShape)}.",
                    nameof(transforms));
            }

            var reinterpreted = transform.DomainEventDim - baseDistribution.EventShape.Length;
            var inner = reinterpreted > 0 ? baseDistribution.ToEvent(reinterpreted) : baseDistribution;
            long[] shape = transform.ForwardShape(baseShape);
            int eventDim = transform.CodomainEventDim + Math.Max(inner.EventShape.Length - transform.DomainEventDim, 0);
            return new Layout(inner, transform, shape[..^eventDim], shape[^eventDim..]);
        }
    }
}
