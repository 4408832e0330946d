using Ppl.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ppl.Inference.FactorModels;

/// <summary>
/// The amortized guide's network q(Z_i | A_i): from a unit's causes and which of them are observed to
/// the location and scale of a diagonal Normal over Z_i in unconstrained space. It reads the observed
/// causes and the mask (held-out entries read as 0 with mask 0), so a unit with held-out entries is
/// encoded from the rest. With no hidden layer it is linear, which suits exponential-family factor
/// models: their likelihood reaches Z_i only through Σ_j A_ij θ_j, a linear function of the causes.
/// </summary>
public sealed class FactorEncoder : nn.Module<Tensor, (Tensor Loc, Tensor Scale)>
{
    private readonly Sequential _body;
    private readonly Linear _loc;
    private readonly Linear _scale;
    private readonly bool _positive;

    /// <summary>
    /// An encoder of <paramref name="causes"/> causes into <paramref name="factors"/> factors, with
    /// <paramref name="hidden"/> tanh units (0: linear), initialized from <paramref name="seed"/>. With
    /// <paramref name="positive"/> the factors are positive and the location is the log of a softplus of the
    /// network's output: a positive factor's posterior mean is about linear in the counts (Poisson–Gamma),
    /// its log is not, so a linear encoder predicts the factor itself rather than its log.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A count is out of range.</exception>
    public FactorEncoder(int causes, int factors, int hidden = 0, long seed = 0, bool positive = false)
        : base(nameof(FactorEncoder))
    {
        _positive = positive;
        ArgumentOutOfRangeException.ThrowIfLessThan(causes, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(factors, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(hidden);
        _body = hidden == 0 ? nn.Sequential(nn.Identity()) : nn.Sequential(nn.Linear(2 * causes, hidden), nn.Tanh());
        int width = hidden == 0 ? 2 * causes : hidden;
        _loc = nn.Linear(width, factors);
        _scale = nn.Linear(width, factors);
        RegisterComponents();
        SeededInitialization.Apply(this, seed);
        using (no_grad())
        {
            _scale.bias!.fill_(-2.0); // softplus(−2) ≈ 0.13: start from narrow posteriors, as AutoNormal's init scale does
        }
    }

    /// <summary>The network's input for causes [n, m] and their observed mask [n, m] (null: all observed): [n, 2m].</summary>
    public static Tensor Input(Tensor causes, Tensor? observed)
    {
        ArgumentNullException.ThrowIfNull(causes);
        var values = causes.to_type(ScalarType.Float32);
        if (observed is null)
        {
            return cat([values, ones_like(values)], -1);
        }

        var mask = observed.to_type(values.dtype);
        return cat([values.mul(mask), mask], -1);
    }

    /// <summary>The location and (positive) scale of q(Z_i | A_i) in unconstrained space, [n, K] each, for the <see cref="Input"/> [n, 2m].</summary>
    public override (Tensor Loc, Tensor Scale) forward(Tensor input)
    {
        var h = _body.forward(input);
        var loc = _loc.forward(h);
        return (_positive ? nn.functional.softplus(loc).add(1e-6).log() : loc, nn.functional.softplus(_scale.forward(h)).add(1e-4));
    }
}
