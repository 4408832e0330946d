using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>The Gumbel (type-I extreme value) distribution with location <c>loc</c> and scale <c>scale</c>, reparameterizable.</summary>
public sealed class Gumbel : LocationScaleDistribution
{
    private const double EulerGamma = 0.57721566490153286061;

    /// <summary>Gumbel(<paramref name="loc"/>, <paramref name="scale"/>), parameters broadcast together.</summary>
    /// <exception cref="ArgumentException">Validation is on and some loc is not finite or some scale is not positive and finite.</exception>
    public Gumbel(Tensor loc, Tensor scale)
        : base(loc, scale)
    {
    }

    /// <summary>Gumbel(<paramref name="loc"/>, <paramref name="scale"/>) with a scalar scale on loc's device.</summary>
    public Gumbel(Tensor loc, double scale)
        : base(loc, scale)
    {
    }

    /// <summary>A scalar Gumbel(<paramref name="loc"/>, <paramref name="scale"/>) on the default device.</summary>
    public Gumbel(double loc, double scale)
        : base(loc, scale)
    {
    }

    private Gumbel(Tensor loc, Tensor scale, bool validate)
        : base(loc, scale, locChecked: !validate, scaleChecked: !validate)
    {
    }

    /// <inheritdoc />
    public override Tensor Mean => Scale.mul(EulerGamma).add(Loc);

    /// <inheritdoc />
    public override Tensor Variance => Scale.square().mul(Math.PI * Math.PI / 6);

    /// <inheritdoc />
    public override Tensor Entropy() => Scale.log().add(EulerGamma + 1);

    /// <inheritdoc />
    protected override LocationScaleDistribution WithParameters(Tensor loc, Tensor scale) => Trusted(loc, scale);

    /// <summary>Builds without re-checking parameters a validated instance already checked (<see cref="WithParameters"/>: expanding, moving); shapes must already broadcast.</summary>
    internal static Gumbel Trusted(Tensor loc, Tensor scale) => new(loc, scale, validate: false);

    /// <summary>Inverse CDF −log(−log u) (<see cref="Kernels.StandardGumbel"/>).</summary>
    protected override Tensor StandardSample(long[] shape, Generator? generator) =>
        Kernels.StandardGumbel(shape, DType, Device, generator);

    /// <inheritdoc />
    protected override Tensor StandardLogDensity(Tensor z) => z.add(z.neg().exp()).neg();
}
