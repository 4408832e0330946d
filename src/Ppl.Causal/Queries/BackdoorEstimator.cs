using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>Combines the weighted inner draws of a backdoor adjustment into one estimate.</summary>
internal static class BackdoorEstimator
{
    /// <summary>The mean over outer draws of each outer draw's self-normalized inner mean.</summary>
    /// <param name="logWeights">Log-weights, shape <c>[inner, outer]</c>.</param>
    /// <param name="outcomes">Outcome statistics, shape <c>[inner, outer]</c>.</param>
    public static CausalEstimate Combine(Tensor logWeights, Tensor outcomes)
    {
        int draws = (int)logWeights.shape[1];
        var weights = logWeights.to(float64).softmax(0);
        var perDraw = weights.mul(outcomes.to(float64)).sum([0L]);
        double mean = perDraw.mean().item<double>();
        double se = perDraw.std().item<double>() / Math.Sqrt(draws);
        return new CausalEstimate(mean, se, draws, draws);
    }
}
