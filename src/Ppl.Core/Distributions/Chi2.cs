using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// The chi-squared distribution with <see cref="Df"/> degrees of freedom, i.e. Gamma(df/2, 1/2);
/// <see cref="Df"/> may be any positive real. Reparameterizable through the gamma sampler.
/// </summary>
public sealed class Chi2 : Distribution
{
    private readonly Gamma _gamma;

    /// <summary>Chi2(<paramref name="df"/>).</summary>
    /// <exception cref="ArgumentException">Validation is on and some degrees of freedom are not positive.</exception>
    public Chi2(Tensor df)
        : this(df, validate: true)
    {
    }

    /// <summary>A scalar Chi2(<paramref name="df"/>) on the default device.</summary>
    /// <exception cref="ArgumentException">Validation is on and <paramref name="df"/> is not positive.</exception>
    public Chi2(double df)
        : this(TensorUtil.Scalar(df))
    {
    }

    private Chi2(Tensor df, bool validate)
        : base(Checked(df).Shape(), [])
    {
        if (validate)
        {
            RequirePositive(df, nameof(df));
        }

        Df = df;
        _gamma = Gamma.Trusted(df.mul(0.5), TensorUtil.ScalarLike(0.5, df).expand(BatchShape));
    }

    /// <summary>The degrees of freedom.</summary>
    public Tensor Df { get; }

    /// <inheritdoc />
    public override Constraint Support => Constraints.NonNegative;

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Device Device => Df.device;

    /// <inheritdoc />
    public override ScalarType DType => Df.dtype;

    /// <inheritdoc />
    public override Tensor Mean => Df.alias();

    /// <inheritdoc />
    public override Tensor Variance => Df.mul(2);

    /// <inheritdoc />
    public override Tensor Entropy() => _gamma.Entropy();

    /// <summary>Builds without re-checking parameters a validated instance already checked (for <see cref="ExpandCore"/> and other internal reuse); shapes must already broadcast.</summary>
    internal static Chi2 Trusted(Tensor df) => new(df, validate: false);

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape) => Trusted(Df.expand(batchShape));

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape) => _gamma.SampleCore(generator, sampleShape);

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value) => _gamma.LogProbCore(value);

    /// <inheritdoc />
    public override string ToString() => $"Chi2(df: {ShapeUtil.Format(Df.Shape())})";

    private static Tensor Checked(Tensor t) => t ?? throw new ArgumentNullException(nameof(t));
}
