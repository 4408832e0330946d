using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// A linear-Gaussian outcome model Y_i ~ N(c + A_i · β + Z_i · γ, σ²) with its coefficients (float64):
/// the deconfounder's second stage, fitted by least squares with Z = Ẑ.
/// </summary>
/// <param name="Intercept">c, a scalar tensor.</param>
/// <param name="CauseWeights">β, [m].</param>
/// <param name="AdjustmentWeights">γ, [K] (empty when nothing is adjusted for).</param>
/// <param name="NoiseScale">σ, the residuals' root mean square, a scalar tensor.</param>
public sealed record OutcomeRegression(Tensor Intercept, Tensor CauseWeights, Tensor AdjustmentWeights, Tensor NoiseScale)
{
    /// <summary>E[Y | A, Z] for causes [.., n, m] and adjustment [.., n, K] (null when K = 0): [.., n], in the causes' dtype.</summary>
    public Tensor Mean(Tensor causes, Tensor? adjustment)
    {
        ArgumentNullException.ThrowIfNull(causes);
        var dtype = causes.dtype;
        var mean = causes.mul(CauseWeights.to(dtype)).sum([-1L]).add(Intercept.to(dtype));
        return adjustment is null || AdjustmentWeights.shape[0] == 0 ? mean : mean.add(adjustment.mul(AdjustmentWeights.to(dtype)).sum([-1L]));
    }
}
