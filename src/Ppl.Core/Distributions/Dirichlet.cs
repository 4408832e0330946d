using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// The Dirichlet distribution over the probability simplex of dimension K, reparameterizable:
/// a draw is a vector of independent Gamma(α_k, 1) draws divided by its sum, and its gradient
/// flows through the implicit reparameterization gradient of each gamma draw.
/// </summary>
public sealed class Dirichlet : Distribution
{
    /// <summary>Dirichlet with positive <paramref name="concentration"/> α over the last dimension (<c>[..., K]</c>).</summary>
    /// <exception cref="ArgumentException">The tensor has no dimension, or validation is on and some concentration is not positive.</exception>
    public Dirichlet(Tensor concentration)
        : base(Checked(concentration).Shape()[..^1], [concentration.Shape()[^1]])
    {
        Concentration = concentration;
        RequirePositive(concentration, nameof(concentration));
    }

    /// <summary>The concentration α, shape <c>BatchShape + [K]</c>.</summary>
    public Tensor Concentration { get; }

    /// <inheritdoc />
    public override Constraint Support => Constraints.Simplex;

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Device Device => Concentration.device;

    /// <inheritdoc />
    public override ScalarType DType => Concentration.dtype;

    /// <inheritdoc />
    public override Tensor Mean => Concentration.div(Concentration.sum(-1, keepdim: true));

    /// <inheritdoc />
    public override Tensor Variance
    {
        get
        {
            var total = Concentration.sum(-1, keepdim: true);
            var mean = Concentration.div(total);
            return mean.mul(mean.neg().add(1)).div(total.add(1));
        }
    }

    /// <inheritdoc />
    public override Tensor Entropy()
    {
        var a = Concentration;
        var total = a.sum(-1);
        long k = EventShape[0];
        var logBeta = a.lgamma().sum(-1).sub(total.lgamma());
        return logBeta.add(total.sub(k).mul(total.digamma())).sub(a.sub(1).mul(a.digamma()).sum(-1));
    }

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) =>
        new Dirichlet(Concentration.expand([.. batchShape, EventShape[0]]));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        var gammas = Kernels.StandardGamma(Concentration.expand(ExtendedShape(sampleShape)), generator);
        // for small α every gamma can underflow to 0; the floor keeps the ratio finite
        gammas = gammas.clamp_min(Tiny(DType));
        return gammas.div(gammas.sum(-1, keepdim: true));
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        var a = Concentration;
        var normalizer = a.sum(-1).lgamma().sub(a.lgamma().sum(-1));
        return torch.xlogy(a.sub(1), value.to(DType)).sum(-1).add(normalizer);
    }

    /// <inheritdoc />
    public override string ToString() => $"Dirichlet(concentration: {ShapeUtil.Format(Concentration.Shape())})";

    private static double Tiny(ScalarType dtype) => dtype == ScalarType.Float64 ? 2.2250738585072014e-308 : 1.17549435e-38;

    private static Tensor Checked(Tensor concentration)
    {
        ArgumentNullException.ThrowIfNull(concentration);
        if (concentration.dim() == 0)
        {
            throw new ArgumentException(
                "Dirichlet: parameter 'concentration' must have a last dimension of categories, got a 0-dim tensor.", nameof(concentration));
        }

        return concentration;
    }
}
