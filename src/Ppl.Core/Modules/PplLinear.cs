using Ppl.Distributions;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Normal = Ppl.Distributions.Normal;

namespace Ppl.Modules;

/// <summary>
/// A linear layer y = x Wᵀ + b whose weight and bias are attributes of a
/// <see cref="PplModule{TIn, TOut}"/> (Pyro's <c>PyroModule[nn.Linear]</c>): plain parameters at
/// first, initialized like TorchSharp's <c>Linear</c>, and made random with
/// <see cref="WithNormalPriors"/> or <see cref="PplModule{TIn, TOut}.Randomize"/>, or constrained
/// with <see cref="PplModule{TIn, TOut}.Set(string, PplParam)"/>. Weights of shape
/// [out, in] and inputs [..., in] give [..., out]; the product is shape-checked.
/// </summary>
public sealed class PplLinear : PplModule<Tensor, Tensor>
{
    /// <summary>A layer initialized as TorchSharp's <c>nn.Linear</c> would be.</summary>
    public PplLinear(long inFeatures, long outFeatures, bool hasBias = true, Device? device = null, ScalarType? dtype = null)
        : base(nameof(PplLinear))
    {
        using var linear = nn.Linear(inFeatures, outFeatures, hasBias, device, dtype);
        Adopt(linear);
    }

    /// <summary>A layer computing what <paramref name="linear"/> computes, with copies of its weight and bias.</summary>
    public PplLinear(Linear linear)
        : base(nameof(PplLinear))
    {
        ArgumentNullException.ThrowIfNull(linear);
        Adopt(linear);
    }

    /// <summary>Input features.</summary>
    public long InFeatures { get; private set; }

    /// <summary>Output features.</summary>
    public long OutFeatures { get; private set; }

    /// <summary>True when the layer adds a bias.</summary>
    public bool HasBias { get; private set; }

    /// <summary>
    /// Makes weight and bias random with independent Normal(0, <paramref name="scale"/>) priors
    /// (the weight one site of event shape [out, in], the bias one of event shape [out]); returns
    /// the layer, so a Bayesian layer is one expression.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="scale"/> is not positive.</exception>
    public PplLinear WithNormalPriors(double scale = 1.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        Randomize("weight", loc => new Normal(loc, scale).ToEvent(2));
        if (HasBias)
        {
            Randomize("bias", loc => new Normal(loc, scale).ToEvent(1));
        }

        return this;
    }

    /// <inheritdoc />
    protected override Tensor Compute(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var y = input.CheckedMatMul(Get("weight").transpose(-1, -2));
        return HasBias ? y.add(Get("bias")) : y;
    }

    private void Adopt(Linear linear)
    {
        var weight = linear.weight ?? throw new ArgumentException("The linear layer has no weight.", nameof(linear));
        OutFeatures = weight.shape[0];
        InFeatures = weight.shape[1];
        HasBias = linear.bias is not null;
        register_parameter("weight", Copy(weight));
        if (linear.bias is { } bias)
        {
            register_parameter("bias", Copy(bias));
        }
    }

    private static Parameter Copy(Tensor value)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var parameter = new Parameter(value.detach().clone(), requires_grad: true);
        parameter.DetachFromDisposeScope();
        return parameter;
    }
}
