using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>The Laplace (double-exponential) distribution with location <c>loc</c> and scale <c>scale</c>, reparameterizable.</summary>
public sealed class Laplace : LocationScaleDistribution
{
    private static readonly double Log2 = Math.Log(2);

    /// <summary>Laplace(<paramref name="loc"/>, <paramref name="scale"/>), parameters broadcast together.</summary>
    /// <exception cref="ArgumentException">Validation is on and some loc is not finite or some scale is not positive and finite.</exception>
    public Laplace(Tensor loc, Tensor scale)
        : base(loc, scale)
    {
    }

    /// <summary>Laplace(<paramref name="loc"/>, <paramref name="scale"/>) with a scalar scale on loc's device.</summary>
    public Laplace(Tensor loc, double scale)
        : base(loc, scale)
    {
    }

    /// <summary>A scalar Laplace(<paramref name="loc"/>, <paramref name="scale"/>) on the default device.</summary>
    public Laplace(double loc, double scale)
        : base(loc, scale)
    {
    }

    private Laplace(Tensor loc, Tensor scale, bool validate)
        : base(loc, scale, locChecked: !validate, scaleChecked: !validate)
    {
    }

    /// <inheritdoc />
    public override Tensor Mean => Loc.alias();

    /// <inheritdoc />
    public override Tensor Variance => Scale.square().mul(2);

    /// <inheritdoc />
    public override Tensor Entropy() => Scale.log().add(1 + Log2);

    /// <inheritdoc />
    protected override LocationScaleDistribution WithParameters(Tensor loc, Tensor scale) => Trusted(loc, scale);

    /// <summary>Builds without re-checking parameters a validated instance already checked (<see cref="WithParameters"/>: expanding, moving); shapes must already broadcast.</summary>
    internal static Laplace Trusted(Tensor loc, Tensor scale) => new(loc, scale, validate: false);

    /// <summary>
    /// Inverse CDF on v = 2u − 1: −sign(v)·log(1 − |v|). v = −1 (u = 0) would give an infinite
    /// draw, so v is lifted by one machine epsilon; |v| is v·sign(v) because abs has no meta kernel.
    /// </summary>
    protected override Tensor StandardSample(long[] shape, Generator? generator)
    {
        var u = torch.rand(shape, dtype: DType, device: Device, generator: generator);
        var v = u.mul(2).sub(1).clamp_min(torch.finfo(DType).eps - 1);
        var sign = v.sign();
        return v.mul(sign).neg().log1p().mul(sign).neg();
    }

    /// <inheritdoc />
    protected override Tensor StandardLogDensity(Tensor z) => z.mul(z.sign()).neg().sub(Log2);
}
