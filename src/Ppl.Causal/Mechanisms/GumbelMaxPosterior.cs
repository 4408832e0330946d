using Ppl.Distributions;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// The exact posterior of the Gumbel noise vector of a <see cref="GumbelMax"/> mechanism given the
/// observed category, as a distribution (event dimension 1, event size K) so the noise can be a
/// sample site, e.g. a proposal or a guide for the exogenous noise of a categorical variable.
/// Draws come from <see cref="GumbelMax.SamplePosterior"/> (not reparameterized: the truncation
/// point depends on the logits only through a non-differentiable argmax event) and
/// <see cref="Distribution.LogProb"/> is <see cref="GumbelMax.PosteriorLogProb"/>.
/// </summary>
public sealed class GumbelMaxPosterior : Distribution
{
    /// <summary>The posterior of the noise given <paramref name="observed"/> = argmax(<paramref name="logits"/> + noise).</summary>
    /// <param name="logits">Factual logits, shape <c>batch + [K]</c>.</param>
    /// <param name="observed">Observed categories, broadcastable with <c>batch</c>; the batch shape is the broadcast of the two.</param>
    /// <exception cref="ArgumentException">Shapes do not broadcast, or (validation on, not meta) an observation is not a category with finite logit.</exception>
    public GumbelMaxPosterior(Tensor logits, Tensor observed)
        : base(BatchOf(logits, observed), [logits.Shape()[^1]])
    {
        Logits = logits;
        Observed = observed;
        if (MechanismNoise.ShouldValidate(logits) && MechanismNoise.ShouldValidate(observed))
        {
            // validation through the log-density of a zero noise vector: it throws on bad observations
            using var scope = NewDisposeScope();
            _ = GumbelMax.PosteriorLogProb(logits, observed, torch.zeros(EventShape, dtype: logits.dtype, device: logits.device));
        }
    }

    /// <summary>Factual logits, shape <c>… + [K]</c> (not expanded to the batch).</summary>
    public Tensor Logits { get; }

    /// <summary>Observed categories (not expanded to the batch).</summary>
    public Tensor Observed { get; }

    /// <summary>The number of categories K.</summary>
    public long NumCategories => Logits.Shape()[^1];

    /// <inheritdoc />
    public override Constraint Support => Constraints.RealVector;

    /// <inheritdoc />
    public override Device Device => Logits.device;

    /// <inheritdoc />
    public override ScalarType DType => Logits.dtype;

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) =>
        new GumbelMaxPosterior(Logits.expand([.. batchShape, NumCategories]), Observed.expand(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        using var scope = NewDisposeScope();
        var noise = GumbelMax.SamplePosterior(Logits, Observed, sampleShape, generator);
        return noise.expand(ExtendedShape(sampleShape)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value) => GumbelMax.PosteriorLogProb(Logits, Observed, value);

    /// <inheritdoc />
    public override string ToString() =>
        $"GumbelMaxPosterior(logits: {ShapeUtil.Format(Logits.Shape())}, observed: {ShapeUtil.Format(Observed.Shape())})";

    private static long[] BatchOf(Tensor logits, Tensor observed)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(observed);
        if (logits.dim() == 0 || logits.Shape()[^1] == 0)
        {
            throw new ArgumentException($"GumbelMaxPosterior: 'logits' (shape {ShapeUtil.Format(logits.Shape())}) needs a last dimension of categories.", nameof(logits));
        }

        try
        {
            return ShapeUtil.Broadcast(logits.Shape().AsSpan(0, (int)logits.dim() - 1), observed.Shape());
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException(
                $"GumbelMaxPosterior: observed (shape {ShapeUtil.Format(observed.Shape())}) does not broadcast with the batch of logits (shape {ShapeUtil.Format(logits.Shape())}).",
                nameof(observed),
                e);
        }
    }
}
