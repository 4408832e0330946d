using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// The multivariate normal distribution N(loc, Σ) over vectors of length D, given by its
/// covariance, its precision or the lower Cholesky factor L of Σ = L·Lᵀ. All three are stored as
/// L: draws are loc + L·ε and the density needs one triangular solve and the diagonal of L.
/// </summary>
public sealed class MultivariateNormal : Distribution
{
    private static readonly double Log2Pi = Math.Log(2 * Math.PI);

    private readonly Tensor? covariance;
    private readonly Tensor? precision;

    private MultivariateNormal(Tensor loc, Tensor scaleTril, Tensor? covariance, Tensor? precision)
        : base(BatchOf(loc, scaleTril), [loc.Shape()[^1]])
    {
        Loc = loc.expand(ExtendedShape([]));
        ScaleTril = scaleTril.expand([.. BatchShape, EventShape[0], EventShape[0]]);
        this.covariance = covariance?.expand(ScaleTril.Shape());
        this.precision = precision?.expand(ScaleTril.Shape());
    }

    /// <summary>N(<paramref name="loc"/>, <paramref name="covarianceMatrix"/>); loc is <c>[..., D]</c>, the matrix <c>[..., D, D]</c>.</summary>
    /// <exception cref="ArgumentException">The shapes do not fit, the dtypes or devices differ, or validation is on and some loc is not finite or some matrix is not symmetric positive definite (finite).</exception>
    public static MultivariateNormal FromCovariance(Tensor loc, Tensor covarianceMatrix)
    {
        CheckShapes(loc, covarianceMatrix, nameof(covarianceMatrix));
        ParameterCheck.Finite(nameof(MultivariateNormal), loc, nameof(loc));
        RequirePositiveDefinite(covarianceMatrix, nameof(covarianceMatrix));
        var l = Kernels.Cholesky(covarianceMatrix); // validation already rejected failures
        return new MultivariateNormal(loc, l, covarianceMatrix, null);
    }

    /// <summary>N(<paramref name="loc"/>, <paramref name="precisionMatrix"/>⁻¹); loc is <c>[..., D]</c>, the matrix <c>[..., D, D]</c>.</summary>
    /// <exception cref="ArgumentException">The shapes do not fit, the dtypes or devices differ, or validation is on and some loc is not finite or some matrix is not symmetric positive definite (finite).</exception>
    public static MultivariateNormal FromPrecision(Tensor loc, Tensor precisionMatrix)
    {
        CheckShapes(loc, precisionMatrix, nameof(precisionMatrix));
        ParameterCheck.Finite(nameof(MultivariateNormal), loc, nameof(loc));
        RequirePositiveDefinite(precisionMatrix, nameof(precisionMatrix));
        return new MultivariateNormal(loc, PrecisionToScaleTril(precisionMatrix), null, precisionMatrix);
    }

    /// <summary>N(<paramref name="loc"/>, L·Lᵀ) with L = <paramref name="scaleTril"/> lower triangular with positive diagonal.</summary>
    /// <exception cref="ArgumentException">The shapes do not fit, the dtypes or devices differ, or validation is on and some loc is not finite or some matrix is not a finite Cholesky factor.</exception>
    public static MultivariateNormal FromScaleTril(Tensor loc, Tensor scaleTril)
    {
        CheckShapes(loc, scaleTril, nameof(scaleTril));
        var d = new MultivariateNormal(loc, scaleTril, null, null);
        d.RequireFinite(loc, nameof(loc));
        d.Require(scaleTril, nameof(scaleTril), "finite and lower triangular with a positive diagonal", IsCholeskyEntry);
        return d;
    }

    /// <summary>The mean, shape <c>BatchShape + [D]</c>.</summary>
    public Tensor Loc { get; }

    /// <summary>The lower Cholesky factor L of the covariance, shape <c>BatchShape + [D, D]</c>.</summary>
    public Tensor ScaleTril { get; }

    /// <summary>The covariance Σ = L·Lᵀ, shape <c>BatchShape + [D, D]</c>.</summary>
    public Tensor CovarianceMatrix => covariance ?? ScaleTril.CheckedMatMul(ScaleTril.mT);

    /// <summary>The precision Σ⁻¹ = L⁻ᵀ·L⁻¹, shape <c>BatchShape + [D, D]</c>.</summary>
    public Tensor PrecisionMatrix
    {
        get
        {
            if (precision is not null)
            {
                return precision;
            }

            var inverse = Kernels.InverseLowerTriangular(ScaleTril);
            return inverse.mT.CheckedMatMul(inverse);
        }
    }

    /// <inheritdoc />
    public override Constraint Support => Constraints.RealVector;

    /// <inheritdoc />
    public override bool HasRSample => true;

    /// <inheritdoc />
    public override Device Device => Loc.device;

    /// <inheritdoc />
    public override ScalarType DType => Loc.dtype;

    /// <inheritdoc />
    public override Tensor Mean => Loc.alias();

    /// <inheritdoc />
    public override Tensor Variance => ScaleTril.square().sum(-1); // diag(L·Lᵀ) = row sums of squares

    /// <inheritdoc />
    public override Tensor Entropy() => HalfLogDet().add(0.5 * EventShape[0] * (1 + Log2Pi));

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape)
    {
        long d = EventShape[0];
        return new MultivariateNormal(
            Loc.expand([.. batchShape, d]),
            ScaleTril.expand([.. batchShape, d, d]),
            covariance?.expand([.. batchShape, d, d]),
            precision?.expand([.. batchShape, d, d]));
    }

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        var eps = torch.randn(ExtendedShape(sampleShape), dtype: DType, device: Device, generator: generator);
        return ScaleTril.CheckedMatMul(eps.unsqueeze(-1)).squeeze(-1).add(Loc);
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        // with z = L⁻¹(x − μ): (x − μ)ᵀΣ⁻¹(x − μ) = |z|² and ½log|Σ| = Σ log diag(L)
        var z = Kernels.SolveLowerTriangular(ScaleTril, value.to(DType).sub(Loc).unsqueeze(-1)).squeeze(-1);
        return z.square().sum(-1).add(EventShape[0] * Log2Pi).mul(-0.5).sub(HalfLogDet());
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"MultivariateNormal(loc: {ShapeUtil.Format(Loc.Shape())}, scale_tril: {ShapeUtil.Format(ScaleTril.Shape())})";

    /// <summary>Throws the family's validation error when some matrix is not symmetric positive definite.</summary>
    private static void RequirePositiveDefinite(Tensor matrix, string parameter)
    {
        if (!ValidationEnabled || Kernels.IsMeta(matrix))
        {
            return;
        }

        using var scope = NewDisposeScope();
        if (Constraints.PositiveDefinite.Check(matrix).all().item<bool>())
        {
            return;
        }

        // NaN and ±∞ fail the symmetry test; name them rather than decompose such a matrix
        ParameterCheck.Exact(nameof(MultivariateNormal), matrix, parameter, "finite", static m => m.isfinite());

        // report what failed: the asymmetry, or the smallest eigenvalue of the symmetric part
        var m = matrix.to(ScalarType.Float64);
        double asymmetry = m.sub(m.mT).abs().max().item<double>();
        double smallest = linalg.eigvalsh(m.add(m.mT).mul(0.5)).min().item<double>();
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        throw new ArgumentException(
            $"MultivariateNormal: parameter '{parameter}' (shape {ShapeUtil.Format(matrix.Shape())}) must be symmetric positive definite, " +
            $"got smallest eigenvalue {smallest.ToString("G6", culture)} and asymmetry {asymmetry.ToString("G6", culture)}.",
            parameter);
    }

    private Tensor HalfLogDet() => ScaleTril.diagonal(0, -2, -1).log().sum(-1);

    private static Tensor IsCholeskyEntry(Tensor l)
    {
        long d = l.Shape()[^1];
        var above = torch.ones(d, d, dtype: ScalarType.Bool, device: l.device).triu(1);
        var diagonal = torch.eye(d, dtype: ScalarType.Bool, device: l.device);
        return l.eq(0).logical_or(above.logical_not()).logical_and(l.gt(0).logical_or(diagonal.logical_not())).logical_and(l.isfinite());
    }

    private static Tensor PrecisionToScaleTril(Tensor precision)
    {
        // with J the reversal permutation, J·P·J = C·Cᵀ (Cholesky) gives P = U·Uᵀ for the upper
        // triangular U = J·C·J, so Σ = P⁻¹ = (U⁻ᵀ)(U⁻ᵀ)ᵀ and L = (Uᵀ)⁻¹ is lower triangular
        // (J is applied as a matrix product: LibTorch has no meta kernel for flip)
        long d = precision.Shape()[^1];
        var j = torch.eye(d, dtype: precision.dtype).flip(0).to(precision.device);
        var c = Kernels.Cholesky(j.CheckedMatMul(precision).CheckedMatMul(j));
        var uT = j.CheckedMatMul(c).CheckedMatMul(j).mT;
        return Kernels.InverseLowerTriangular(uT);
    }

    private static void CheckShapes(Tensor loc, Tensor matrix, string parameter)
    {
        ArgumentNullException.ThrowIfNull(loc);
        ArgumentNullException.ThrowIfNull(matrix);
        if (loc.dim() < 1 || matrix.dim() < 2 || matrix.Shape()[^1] != matrix.Shape()[^2] || matrix.Shape()[^1] != loc.Shape()[^1])
        {
            throw new ArgumentException(
                $"MultivariateNormal: 'loc' (shape {ShapeUtil.Format(loc.Shape())}) must be [..., D] and '{parameter}' (shape {ShapeUtil.Format(matrix.Shape())}) [..., D, D].",
                parameter);
        }

        ProductOperands.RequireLikeLoc(nameof(MultivariateNormal), loc, matrix, parameter);
    }

    private static long[] BatchOf(Tensor loc, Tensor matrix) =>
        ShapeUtil.Broadcast(loc.Shape().AsSpan(0, loc.Shape().Length - 1), matrix.Shape().AsSpan(0, matrix.Shape().Length - 2));
}
