using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// A finite mixture whose K components are one batched distribution: the rightmost batch
/// dimension of <see cref="ComponentDistribution"/> indexes the components, and
/// <see cref="MixtureDistribution"/> (a categorical over K) weighs them. Draws pick a component
/// index and then that component's draw, so there is no pathwise gradient.
/// </summary>
public sealed class MixtureSameFamily : Distribution
{
    /// <summary>The mixture of <paramref name="componentDistribution"/> (batch <c>[..., K]</c>) weighted by <paramref name="mixtureDistribution"/> (K categories).</summary>
    /// <exception cref="ArgumentException">The component has no batch dimension, the category counts differ, or the batch shapes do not broadcast.</exception>
    public MixtureSameFamily(Categorical mixtureDistribution, Distribution componentDistribution)
        : base(BatchOf(mixtureDistribution, componentDistribution), componentDistribution.EventShape)
    {
        MixtureDistribution = (Categorical)mixtureDistribution.Expand(BatchShape);
        ComponentDistribution = componentDistribution.Expand([.. BatchShape, mixtureDistribution.NumCategories]);
    }

    /// <summary>The categorical weights of the components, batch shape <see cref="Distribution.BatchShape"/>.</summary>
    public Categorical MixtureDistribution { get; }

    /// <summary>The components, batch shape <c>BatchShape + [K]</c>.</summary>
    public Distribution ComponentDistribution { get; }

    /// <summary>The number of components K.</summary>
    public long NumComponents => MixtureDistribution.NumCategories;

    /// <inheritdoc />
    public override Constraint Support => ComponentDistribution.Support;

    /// <inheritdoc />
    public override Device Device => ComponentDistribution.Device;

    /// <inheritdoc />
    public override ScalarType DType => ComponentDistribution.DType;

    /// <inheritdoc />
    public override Tensor Mean => WeightedOverComponents(ComponentDistribution.Mean);

    /// <summary>The variance by the law of total variance: E[Var(X | k)] + Var(E[X | k]).</summary>
    public override Tensor Variance
    {
        get
        {
            var means = ComponentDistribution.Mean;
            var mean = WeightedOverComponents(means).unsqueeze(ComponentDim);
            return WeightedOverComponents(ComponentDistribution.Variance).add(WeightedOverComponents(means.sub(mean).square()));
        }
    }

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) =>
        new MixtureSameFamily(MixtureDistribution, ComponentDistribution.Expand([.. batchShape, NumComponents]));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        var index = MixtureDistribution.Sample(generator, sampleShape); // sampleShape + BatchShape
        var draws = ComponentDistribution.Sample(generator, sampleShape); // sampleShape + BatchShape + [K] + EventShape
        foreach (var _ in EventShape)
        {
            index = index.unsqueeze(-1);
        }

        index = index.unsqueeze(ComponentDim).expand([.. sampleShape, .. BatchShape, 1, .. EventShape]);
        return draws.gather(ComponentDim, index).squeeze(ComponentDim);
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        // log Σ_k π_k p_k(x): each component scores x through a singleton component dim
        var perComponent = ComponentDistribution.LogProb(value.unsqueeze(ComponentDim));
        return Kernels.LogSumExp(perComponent.add(MixtureDistribution.Logits), -1);
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"MixtureSameFamily(mixture: {MixtureDistribution}, component: {ComponentDistribution})";

    /// <summary>The component dimension counted from the right of a <c>... + [K] + EventShape</c> tensor.</summary>
    private long ComponentDim => -1 - EventShape.Length;

    private Tensor WeightedOverComponents(Tensor perComponent)
    {
        var probs = MixtureDistribution.Probs;
        foreach (var _ in EventShape)
        {
            probs = probs.unsqueeze(-1);
        }

        return perComponent.mul(probs).sum(ComponentDim);
    }

    private static long[] BatchOf(Categorical mixture, Distribution component)
    {
        ArgumentNullException.ThrowIfNull(mixture);
        ArgumentNullException.ThrowIfNull(component);
        if (component.BatchShape.Length == 0 || component.BatchShape[^1] != mixture.NumCategories)
        {
            throw new ArgumentException(
                $"MixtureSameFamily: 'componentDistribution' (batch {ShapeUtil.Format(component.BatchShape)}) needs a rightmost batch dimension of " +
                $"{mixture.NumCategories} components to match 'mixtureDistribution'.",
                nameof(component));
        }

        return ShapeUtil.Broadcast(mixture.BatchShape, component.BatchShape.AsSpan(0, component.BatchShape.Length - 1));
    }
}
