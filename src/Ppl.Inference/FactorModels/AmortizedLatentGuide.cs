using Ppl.Distributions;
using Ppl.Distributions.Transforms;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Inference.FactorModels;

/// <summary>
/// The guide of a factor model's local latent Z: q(Z_i | A_i) from a <see cref="FactorEncoder"/>, a
/// diagonal Normal mapped onto <see cref="FactorModel.LatentSupport"/>, in the same subsampled
/// <c>units</c> plate as the model. It reads only the causes, never an outcome.
/// </summary>
internal sealed class AmortizedLatentGuide(FactorModel model, FactorEncoder encoder)
{
    /// <summary>The name under which the encoder's weights live in the parameter store.</summary>
    public const string ModuleName = "factor_encoder";

    private readonly Transform _toSupport = Bijectors.BijectTo(model.LatentSupport);

    /// <summary>Samples <c>z</c> for the batch's units.</summary>
    public object? Run(FactorData data) => Run(data, 1.0);

    /// <summary>
    /// Samples <c>z</c> from the guide with its scale multiplied by <paramref name="widen"/>: a proposal
    /// for importance sampling, whose tails must cover the posterior's.
    /// </summary>
    public object? Run(FactorData data, double widen)
    {
        var (loc, scale) = Encode(data, Module(ModuleName, encoder));
        scale = widen == 1.0 ? scale : scale.mul(widen);
        using var units = data.Rows.Plate(FactorModel.UnitsPlate, dim: -2, device: loc.device);
        Distribution q = new Normal(loc.unsqueeze(-2), scale.unsqueeze(-2));
        if (!model.LatentSupport.Equals(Constraints.Real))
        {
            q = new TransformedDistribution(q, _toSupport);
        }

        return Sample(FactorModel.LatentSite, q.ToEvent(1));
    }

    /// <summary>The guide's median of <c>z</c>, [n, 1, K] like the site.</summary>
    public IReadOnlyDictionary<string, Tensor> Median(FactorData data)
    {
        using var noGrad = no_grad();
        var (loc, _) = Encode(data, encoder);
        return new Dictionary<string, Tensor>(StringComparer.Ordinal) { [FactorModel.LatentSite] = _toSupport.Forward(loc).unsqueeze(-2) };
    }

    /// <summary>E_q[Z_i] for the batch's units, [n, K]: the location on the real line, the log-normal mean exp(μ + s²/2) on the positive one.</summary>
    /// <exception cref="NotSupportedException">The latent support is neither.</exception>
    public Tensor Mean(FactorData data)
    {
        using var noGrad = no_grad();
        var (loc, scale) = Encode(data, encoder);
        if (model.LatentSupport.Equals(Constraints.Real))
        {
            return loc;
        }

        if (model.LatentSupport.Equals(Constraints.Positive))
        {
            return loc.add(scale.square().div(2)).exp();
        }

        throw new NotSupportedException($"The posterior mean of a latent on {model.LatentSupport} has no closed form here; use the median.");
    }

    private static (Tensor Loc, Tensor Scale) Encode(FactorData data, FactorEncoder network)
    {
        var causes = data.Causes ?? throw new ArgumentException(
            "The factor model's guide encodes each unit's causes: give FactorData.Causes (a generative run has none to encode).", nameof(data));
        var observed = data.Observed is null ? null : data.Rows.Select(data.Observed);
        return network.forward(FactorEncoder.Input(data.Rows.Select(causes), observed));
    }
}
