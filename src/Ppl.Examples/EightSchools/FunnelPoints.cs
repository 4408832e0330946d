using Ppl.Inference.Mcmc;
using static TorchSharp.torch;

namespace Ppl.Examples.EightSchools;

/// <summary>
/// The draws a funnel plot shows, chains pooled in order: school A's effect θ₁, log τ, the sampler's
/// own coordinate for school A (θ̃₁ when non-centered, θ₁ when centered), and whether the transition
/// that produced each draw diverged.
/// </summary>
/// <param name="Theta">θ₁ of every draw.</param>
/// <param name="LogTau">log τ of every draw.</param>
/// <param name="Coordinate">What the sampler moves for school A: θ̃₁ (non-centered) or θ₁ (centered).</param>
/// <param name="Divergent">Whether the draw's transition diverged.</param>
internal sealed record FunnelPoints(double[] Theta, double[] LogTau, double[] Coordinate, bool[] Divergent)
{
    /// <summary>The points of <paramref name="result"/>, a run of <see cref="EightSchoolsModels.NonCentered"/> (a <c>theta_tilde</c> site) or of <see cref="EightSchoolsModels.Centered"/> (a <c>theta</c> site).</summary>
    public static FunnelPoints From(McmcResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        using var scope = NewDisposeScope();
        var mu = Pooled(result, "mu");
        var tau = Pooled(result, "tau");
        bool nonCentered = result.Samples.ContainsKey("theta_tilde");
        var first = Pooled(result, nonCentered ? "theta_tilde" : "theta").select(1, 0);
        var theta = nonCentered ? mu.add(tau.mul(first)) : first;
        // the stats are per chain and draw, the draws pooled chain after chain: the same order
        bool[] divergent = [.. result.SampleStats.SelectMany(chain => chain.Select(s => s.Divergent))];
        return new FunnelPoints(Host(theta), Host(tau.log()), Host(first), divergent);
    }

    /// <summary>The number of divergent draws.</summary>
    public int Divergences => Divergent.Count(d => d);

    private static Tensor Pooled(McmcResult result, string site) => result.Samples[site].flatten(0, 1).to_type(ScalarType.Float64);

    private static double[] Host(Tensor t) => t.cpu().contiguous().data<double>().ToArray();
}
