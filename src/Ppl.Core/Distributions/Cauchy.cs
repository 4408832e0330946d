using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>The Cauchy (Lorentz) distribution with location <c>loc</c> and scale <c>scale</c>, reparameterizable.</summary>
public sealed class Cauchy : LocationScaleDistribution
{
    private static readonly double LogPi = Math.Log(Math.PI);
    private static readonly double Log4Pi = Math.Log(4 * Math.PI);

    /// <summary>Cauchy(<paramref name="loc"/>, <paramref name="scale"/>), parameters broadcast together.</summary>
    /// <exception cref="ArgumentException">Validation is on and some loc is not finite or some scale is not positive and finite.</exception>
    public Cauchy(Tensor loc, Tensor scale)
        : base(loc, scale)
    {
    }

    /// <summary>Cauchy(<paramref name="loc"/>, <paramref name="scale"/>) with a scalar scale on loc's device.</summary>
    public Cauchy(Tensor loc, double scale)
        : base(loc, scale)
    {
    }

    /// <summary>A scalar Cauchy(<paramref name="loc"/>, <paramref name="scale"/>) on the default device.</summary>
    public Cauchy(double loc, double scale)
        : base(loc, scale)
    {
    }

    private Cauchy(Tensor loc, Tensor scale, bool validate)
        : base(loc, scale, locChecked: !validate, scaleChecked: !validate)
    {
    }

    /// <summary>Not defined: the Cauchy distribution has no mean.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override Tensor Mean => throw new NotSupportedException("Cauchy: the mean is undefined (the integral diverges).");

    /// <summary>Not defined: the Cauchy distribution has no variance.</summary>
    /// <exception cref="NotSupportedException">Always.</exception>
    public override Tensor Variance => throw new NotSupportedException("Cauchy: the variance is undefined (the integral diverges).");

    /// <inheritdoc />
    public override Tensor Entropy() => Scale.log().add(Log4Pi);

    /// <inheritdoc />
    protected override LocationScaleDistribution WithParameters(Tensor loc, Tensor scale) => Trusted(loc, scale);

    /// <summary>Builds without re-checking parameters a validated instance already checked (<see cref="WithParameters"/>: expanding, moving); shapes must already broadcast.</summary>
    internal static Cauchy Trusted(Tensor loc, Tensor scale) => new(loc, scale, validate: false);

    /// <summary>Inverse CDF tan(π(u − ½)); u = 0 maps to a huge finite value, not infinity.</summary>
    protected override Tensor StandardSample(long[] shape, Generator? generator) =>
        torch.rand(shape, dtype: DType, device: Device, generator: generator).sub(0.5).mul(Math.PI).tan();

    /// <inheritdoc />
    protected override Tensor StandardLogDensity(Tensor z) => z.square().log1p().neg().sub(LogPi);
}
