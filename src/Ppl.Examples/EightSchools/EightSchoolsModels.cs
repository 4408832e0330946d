using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Examples.EightSchools;

/// <summary>
/// The hierarchical model of the eight schools in its two parametrizations: each school's true effect
/// θ_j ~ Normal(μ, τ), its estimate y_j ~ Normal(θ_j, σ_j) with σ_j known, μ ~ Normal(0, 5) and
/// τ ~ HalfCauchy(5). Both have the same posterior over (μ, τ, θ); they differ in what the sampler moves.
/// </summary>
public static class EightSchoolsModels
{
    /// <summary>
    /// Non-centered: the sampler moves standardized effects θ̃_j ~ Normal(0, 1) and θ = μ + τ·θ̃ is
    /// computed (recorded as the deterministic site <c>theta</c>). Small τ no longer squeezes the θ
    /// coordinates, so the posterior the sampler sees has no funnel.
    /// </summary>
    public static object? NonCentered(SchoolsData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var (mu, tau) = Hyperpriors(data);
        using var schools = Plate("J", data.Count);
        var thetaTilde = Sample("theta_tilde", new Normal(zeros_like(data.Sigma), 1.0));
        var theta = Deterministic("theta", mu.add(tau.mul(thetaTilde)));
        return Sample("y", new Normal(theta, data.Sigma), obs: data.Y);
    }

    /// <summary>
    /// Centered: the sampler moves θ_j ~ Normal(μ, τ) directly. As τ shrinks the θ_j must crowd
    /// around μ: the posterior is a funnel whose neck needs a far smaller step size than its mouth,
    /// and NUTS with one adapted step size diverges there.
    /// </summary>
    public static object? Centered(SchoolsData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var (mu, tau) = Hyperpriors(data);
        using var schools = Plate("J", data.Count);
        var theta = Sample("theta", new Normal(mu, tau));
        return Sample("y", new Normal(theta, data.Sigma), obs: data.Y);
    }

    private static (Tensor Mu, Tensor Tau) Hyperpriors(SchoolsData data)
    {
        // float64 like the data: the sampler's arithmetic is in doubles, and so is the density it differentiates
        var zero = zeros([], dtype: data.Sigma.dtype, device: data.Sigma.device);
        var mu = Sample("mu", new Normal(zero, 5.0));
        var tau = Sample("tau", new HalfCauchy(zero.add(5.0)));
        return (mu, tau);
    }
}
