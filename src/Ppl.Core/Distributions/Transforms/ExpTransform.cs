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
    /// <remarks>Remembers x for the result (see <see cref="LogOf"/>), like PyTorch's transform cache.</remarks>
    public override Tensor Forward(Tensor x)
    {
        var y = x.exp();
        Preimages.AddOrUpdate(y, x);
        return y;
    }

    /// <inheritdoc />
    public override Tensor Inverse(Tensor y) => y.log();

    /// <summary>
    /// log <paramref name="y"/> for a density formula that only reads it: the x this transform
    /// mapped to <paramref name="y"/> when it made it (exact, and no op or autograd node, as
    /// PyTorch's cached transforms give), otherwise a fresh log. Scales from positive
    /// parameters and draws pushed through exp are such tensors. A y made without gradient
    /// (under no_grad) from an x with one gets a fresh log, so no gradient path appears.
    /// </summary>
    internal static Tensor LogOf(Tensor y) =>
        Preimages.TryGetValue(y, out var x) && !x.IsInvalid && (y.requires_grad || !x.requires_grad) ? x : y.log();

    // keyed by the wrapper object: an entry lives exactly as long as its result tensor's wrapper
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<Tensor, Tensor> Preimages = [];

    /// <inheritdoc />
    public override Tensor LogAbsDetJacobian(Tensor x, Tensor y) => x.alias();

    /// <inheritdoc />
    internal override Tensor LogAbsDetJacobianReadOnly(Tensor x, Tensor y) => x;
}
