using Ppl.Causal;

namespace Ppl.Tests.Examples.FrozenLake;

/// <summary>Assertions about estimates against exact values.</summary>
internal static class EstimateChecks
{
    /// <summary>True when <paramref name="truth"/> (exact) lies within <paramref name="k"/> standard errors of <paramref name="estimate"/>.</summary>
    public static bool Covers(this CausalEstimate estimate, double truth, double k) =>
        Math.Abs(estimate.Value - truth) <= k * estimate.StandardError;
}
