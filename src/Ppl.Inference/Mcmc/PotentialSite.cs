using Ppl.Distributions.Transforms;

namespace Ppl.Inference.Mcmc;

/// <summary>One latent site of a model as MCMC moves it: a block of the unconstrained position vector.</summary>
/// <param name="Name">The model's site name.</param>
/// <param name="Shape">The constrained value's shape (batch and event dims).</param>
/// <param name="EventDim">The number of event dims of the site's distribution.</param>
/// <param name="Transform">The bijection from unconstrained reals onto the site's support (<c>BijectTo(support)</c>).</param>
/// <param name="UnconstrainedShape">The shape of the site's value in unconstrained space.</param>
/// <param name="Offset">Where the site's block starts in the position vector.</param>
public sealed record PotentialSite(string Name, long[] Shape, int EventDim, Transform Transform, long[] UnconstrainedShape, long Offset)
{
    /// <summary>The number of entries of the site's block.</summary>
    public long Size => UnconstrainedShape.Aggregate(1L, (a, b) => a * b);
}
