using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// The multivariate normal N(loc, W·Wᵀ + diag(d)) with a low-rank factor W (<c>[..., D, R]</c>) and
/// a positive diagonal d (<c>[..., D]</c>). Density and entropy go through the R×R capacitance
/// matrix C = I + Wᵀ·diag(d)⁻¹·W (Woodbury identity and matrix determinant lemma), so they cost
/// O(D·R²) instead of the O(D³) of a full covariance.
/// </summary>
public sealed class LowRankMultivariateNormal : Distribution
{
    private static readonly double Log2Pi = Math.Log(2 * Math.PI);

    /// <summary>N(<paramref name="loc"/>, <paramref name="covFactor"/>·<paramref name="covFactor"/>ᵀ + diag(<paramref name="covDiag"/>)).</summary>
    /// <exception cref="ArgumentException">The shapes do not fit, the dtypes or devices differ, or validation is on and some loc or factor entry is not finite or some diagonal entry is not positive and finite.</exception>
    public LowRankMultivariateNormal(Tensor loc, Tensor covFactor, Tensor covDiag)
        : base(BatchOf(loc, covFactor, covDiag), [loc.Shape()[^1]])
    {
        long d = EventShape[0];
        Loc = loc.expand([.. BatchShape, d]);
        CovFactor = covFactor.expand([.. BatchShape, d, covFactor.Shape()[^1]]);
        CovDiag = covDiag.expand([.. BatchShape, d]);
        RequireFinite(loc, nameof(loc));
        RequireFinite(covFactor, nameof(covFactor));
        RequirePositive(covDiag, nameof(covDiag));
    }

    /// <summary>The mean, shape <c>BatchShape + [D]</c>.</summary>
    public Tensor Loc { get; }

    /// <summary>The low-rank factor W, shape <c>BatchShape + [D, R]</c>.</summary>
    public Tensor CovFactor { get; }

    /// <summary>The diagonal d, shape <c>BatchShape + [D]</c>.</summary>
    public Tensor CovDiag { get; }

    /// <summary>The rank R of the factor.</summary>
    public long Rank => CovFactor.Shape()[^1];

    /// <summary>The covariance W·Wᵀ + diag(d), shape <c>BatchShape + [D, D]</c>.</summary>
    public Tensor CovarianceMatrix =>
        CovFactor.CheckedMatMul(CovFactor.mT).add(CovDiag.unsqueeze(-1).mul(torch.eye(EventShape[0], dtype: DType, device: Device)));

    /// <summary>The precision by Woodbury: diag(d)⁻¹ − A·Aᵀ with A = diag(d)⁻¹·W·Lc⁻ᵀ, shape <c>BatchShape + [D, D]</c>.</summary>
    public Tensor PrecisionMatrix
    {
        get
        {
            var a = Kernels.SolveLowerTriangular(CapacitanceTril(), CovFactor.div(CovDiag.unsqueeze(-1)).mT); // Aᵀ, [R, D]
            return CovDiag.reciprocal().unsqueeze(-1).mul(torch.eye(EventShape[0], dtype: DType, device: Device)).sub(a.mT.CheckedMatMul(a));
        }
    }

    /// <summary>The lower Cholesky factor of the covariance (a full D×D factorization).</summary>
    public Tensor ScaleTril => Kernels.Cholesky(CovarianceMatrix);

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
    public override Tensor Variance => CovFactor.square().sum(-1).add(CovDiag);

    /// <inheritdoc />
    public override Tensor Entropy() => HalfLogDet().add(0.5 * EventShape[0] * (1 + Log2Pi));

    /// <inheritdoc />
    protected internal override Distribution ExpandCore(long[] batchShape)
    {
        long d = EventShape[0];
        return new LowRankMultivariateNormal(Loc.expand([.. batchShape, d]), CovFactor.expand([.. batchShape, d, Rank]), CovDiag.expand([.. batchShape, d]));
    }

    /// <inheritdoc />
    protected internal override Tensor SampleCore(Generator? generator, long[] sampleShape)
    {
        var epsW = torch.randn([.. sampleShape, .. BatchShape, Rank], dtype: DType, device: Device, generator: generator);
        var epsD = torch.randn(ExtendedShape(sampleShape), dtype: DType, device: Device, generator: generator);
        return CovFactor.CheckedMatMul(epsW.unsqueeze(-1)).squeeze(-1).add(CovDiag.sqrt().mul(epsD)).add(Loc);
    }

    /// <inheritdoc />
    protected internal override Tensor LogProbCore(Tensor value)
    {
        // Woodbury: xᵀΣ⁻¹x = Σ x²/d − |Lc⁻¹·Wᵀ·(x/d)|² with Lc the Cholesky factor of the capacitance
        var diff = value.to(DType).sub(Loc);
        var scaled = diff.div(CovDiag);
        var projected = Kernels.SolveLowerTriangular(CapacitanceTril(), CovFactor.mT.CheckedMatMul(scaled.unsqueeze(-1))).squeeze(-1);
        var mahalanobis = diff.mul(scaled).sum(-1).sub(projected.square().sum(-1));
        return mahalanobis.add(EventShape[0] * Log2Pi).mul(-0.5).sub(HalfLogDet());
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"LowRankMultivariateNormal(loc: {ShapeUtil.Format(Loc.Shape())}, cov_factor: {ShapeUtil.Format(CovFactor.Shape())}, cov_diag: {ShapeUtil.Format(CovDiag.Shape())})";

    /// <summary>Cholesky factor of C = I + Wᵀ·diag(d)⁻¹·W, shape <c>BatchShape + [R, R]</c>.</summary>
    private Tensor CapacitanceTril()
    {
        var capacitance = CovFactor.mT.CheckedMatMul(CovFactor.div(CovDiag.unsqueeze(-1))).add(torch.eye(Rank, dtype: DType, device: Device));
        return Kernels.Cholesky(capacitance);
    }

    /// <summary>½log|Σ| = ½log|C| + ½Σ log d (matrix determinant lemma).</summary>
    private Tensor HalfLogDet() =>
        CapacitanceTril().diagonal(0, -2, -1).log().sum(-1).add(CovDiag.log().sum(-1).mul(0.5));

    private static long[] BatchOf(Tensor loc, Tensor covFactor, Tensor covDiag)
    {
        ArgumentNullException.ThrowIfNull(loc);
        ArgumentNullException.ThrowIfNull(covFactor);
        ArgumentNullException.ThrowIfNull(covDiag);
        if (loc.dim() < 1 || covFactor.dim() < 2 || covDiag.dim() < 1 || covFactor.Shape()[^2] != loc.Shape()[^1] || covDiag.Shape()[^1] != loc.Shape()[^1])
        {
            throw new ArgumentException(
                $"LowRankMultivariateNormal: 'loc' (shape {ShapeUtil.Format(loc.Shape())}), 'covFactor' (shape {ShapeUtil.Format(covFactor.Shape())}) " +
                $"and 'covDiag' (shape {ShapeUtil.Format(covDiag.Shape())}) must be [..., D], [..., D, R] and [..., D].",
                nameof(covFactor));
        }

        ProductOperands.RequireLikeLoc(nameof(LowRankMultivariateNormal), loc, covFactor, nameof(covFactor));
        ProductOperands.RequireLikeLoc(nameof(LowRankMultivariateNormal), loc, covDiag, nameof(covDiag));
        var batch = ShapeUtil.Broadcast(loc.Shape().AsSpan(0, loc.Shape().Length - 1), covFactor.Shape().AsSpan(0, covFactor.Shape().Length - 2));
        return ShapeUtil.Broadcast(batch, covDiag.Shape().AsSpan(0, covDiag.Shape().Length - 1));
    }
}
