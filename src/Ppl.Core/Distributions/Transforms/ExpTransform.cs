using static TorchSharp.torch;

namespace Ppl.Distributions.Transforms;

/// <summary>y = exp(x): the reals onto the positive reals.</summary>
public sealed class ExpTransform : Transform
{
    /// <summary>The shared instance (the transform has no state).</summary>
    public static readonly ExpTransform Instance = new();

    private ExpTransform()
    {
    }

    /// <inheritdoc />
    public override Constraint Codomain => Constraints.Positive;

    /// <inheritdoc />
    public override Tensor Forward(Tensor x) => x.exp();

    /// <inheritdoc />
    public override Tensor Inverse(Tensor y) => y.log();

    /// <summary>
    /// log <paramref name="y"/> for a density formula that only reads it: the x that the current
    /// run recorded for <paramref name="y"/> (<see cref="ExpPreimages"/>: exact, and no op or
    /// autograd node, as PyTorch's cached transforms give), otherwise a fresh log. Draws pushed
    /// through exp (a LogNormal-shaped guide site, σ in a model) are such tensors.
    /// </summary>
    /// <remarks>
    /// Only where neither side can have changed since: y must carry a gradient (autograd saved it
    /// for exp's backward, so modifying it in place fails at backward) and x must not be a leaf
    /// (a parameter, which is updated in place). Otherwise, and for a y made under no_grad, the
    /// log is computed.
    /// </remarks>
    internal static Tensor LogOf(Tensor y) => LogOf(y, leafPreimages: false);

    /// <summary>
    /// <see cref="LogOf(Tensor)"/>, also reading through a leaf preimage (a parameter) when
    /// <paramref name="leafPreimages"/>: only for a caller that evaluates within the same
    /// computation that made <paramref name="y"/>, before any optimizer step (an ELBO's log q of
    /// its own guide draws), where the parameter cannot have changed since.
    /// </summary>
    internal static Tensor LogOf(Tensor y, bool leafPreimages) =>
        ExpPreimages.TryGet(y, out var x) && y.requires_grad && !x.IsInvalid && (leafPreimages || !x.is_leaf) ? x : y.log();

    /// <inheritdoc />
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y) => x.alias();

    /// <inheritdoc />
    internal override Tensor LogAbsDetJacobianReadOnly(Tensor x, Tensor y) => x;
}
