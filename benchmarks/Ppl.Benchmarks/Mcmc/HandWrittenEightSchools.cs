using Ppl.Examples.EightSchools;
using static TorchSharp.torch;

namespace Ppl.Benchmarks.Mcmc;

/// <summary>
/// "The floor": the potential energy of the non-centered eight schools and its gradient written by hand
/// in plain TorchSharp, with no Ppl in between. The position is laid out as Ppl's (μ, log τ, θ̃₁…θ̃₈); the
/// energy is −log p(μ, τ, θ̃, y) − log τ (the log-Jacobian of τ = exp(log τ)), and the call has Ppl's
/// shape, host doubles in and out, so the two times compare what the framework adds around the same
/// arithmetic and the same autograd pass.
/// </summary>
public sealed class HandWrittenEightSchools
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2 * Math.PI);
    private readonly Tensor _y;
    private readonly Tensor _sigma;
    private readonly double _constant;

    /// <summary>The classic data, in float64 as the example's model has it.</summary>
    public HandWrittenEightSchools()
    {
        _y = tensor(SchoolsData.Effects.ToArray(), dtype: float64).DetachFromDisposeScope();
        _sigma = tensor(SchoolsData.StandardErrors.ToArray(), dtype: float64).DetachFromDisposeScope();
        int schools = SchoolsData.Effects.Count;
        // every term of the log-density that depends on no latent, summed once on the host
        _constant = -Math.Log(5) - HalfLog2Pi                                  // μ ~ Normal(0, 5)
            + Math.Log(2 / (Math.PI * 5))                                      // τ ~ HalfCauchy(5)
            - (schools * HalfLog2Pi)                                           // θ̃ ~ Normal(0, 1)
            - SchoolsData.StandardErrors.Sum(s => Math.Log(s) + HalfLog2Pi);   // y ~ Normal(θ, σ)
    }

    /// <summary>U(q) and ∇U(q) at <paramref name="position"/> (length 10).</summary>
    public (double Energy, double[] Gradient) EnergyAndGradient(double[] position)
    {
        using var scope = NewDisposeScope();
        var q = tensor(position, dtype: float64).requires_grad_(true);
        var mu = q.select(0, 0);
        var logTau = q.select(0, 1);
        var thetaTilde = q.narrow(0, 2, q.shape[0] - 2);
        var tau = logTau.exp();
        var theta = mu.add(tau.mul(thetaTilde));
        var logDensity = mu.div(5).square().mul(-0.5)
            .sub(tau.div(5).square().log1p())
            .add(logTau)
            .sub(thetaTilde.square().sum().mul(0.5))
            .sub(_y.sub(theta).div(_sigma).square().sum().mul(0.5))
            .add(_constant);
        var energy = logDensity.neg();
        var gradient = autograd.grad([energy], [q])[0];
        return (energy.item<double>(), gradient.data<double>().ToArray());
    }
}
