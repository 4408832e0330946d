using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Ppl.Inference.Optim;

/// <summary>
/// Pyro's <c>ClippedAdam</c>: Adam on a gradient clamped elementwise to
/// [−clipNorm, clipNorm], with the learning rate multiplied by lrd after every update of a
/// parameter (so update t uses lr·lrd^(t−1)). Clamping tames the occasional huge gradient of a
/// high-variance ELBO estimate; the decay anneals without a separate scheduler. Unlike Pyro, the
/// caller's gradient is not clamped in place: gradients belong to the caller.
/// </summary>
public sealed class ClippedAdam : Optimizer
{
    /// <summary>Creates a ClippedAdam optimizer; <see cref="OptimizerOptions"/> overrides may change every argument per parameter.</summary>
    /// <param name="lr">Learning rate, non-negative.</param>
    /// <param name="beta1">Decay of the gradient average, in [0, 1).</param>
    /// <param name="beta2">Decay of the squared-gradient average, in [0, 1).</param>
    /// <param name="eps">Added to the denominator, non-negative.</param>
    /// <param name="clipNorm">Elementwise gradient bound, positive.</param>
    /// <param name="lrd">Per-update learning-rate factor, positive (1 = no decay).</param>
    /// <param name="weightDecay">L2 penalty, non-negative.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public ClippedAdam(double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double clipNorm = 10.0, double lrd = 1.0, double weightDecay = 0)
        : base(nameof(ClippedAdam), new OptimizerOptions { LearningRate = lr, Beta1 = beta1, Beta2 = beta2, Eps = eps, ClipNorm = clipNorm, Lrd = lrd, WeightDecay = weightDecay })
    {
    }

    private protected override void Update(Parameter parameter, Tensor grad, ParameterState state, OptimizerOptions options, double lr)
    {
        double beta1 = options.Beta1!.Value, beta2 = options.Beta2!.Value, eps = options.Eps!.Value;
        double clipNorm = options.ClipNorm!.Value, lrd = options.Lrd!.Value, weightDecay = options.WeightDecay!.Value;
        var expAvg = state.GetOrCreate("exp_avg", () => zeros_like(parameter));
        var expAvgSq = state.GetOrCreate("exp_avg_sq", () => zeros_like(parameter));
        grad = grad.clamp(-clipNorm, clipNorm);
        if (weightDecay != 0)
        {
            grad = grad.add(parameter, alpha: weightDecay);
        }

        expAvg.mul_(beta1).add_(grad, alpha: 1 - beta1);
        expAvgSq.mul_(beta2).addcmul_(grad, grad, value: 1 - beta2);
        // Pyro's form: eps is added before the bias correction, which is folded into the step size.
        var denom = expAvgSq.sqrt().add_(eps);
        double biasCorrection1 = 1 - Math.Pow(beta1, state.Step);
        double biasCorrection2 = 1 - Math.Pow(beta2, state.Step);
        double stepSize = lr * Math.Pow(lrd, state.Step - 1) * Math.Sqrt(biasCorrection2) / biasCorrection1;
        parameter.addcdiv_(expAvg, denom, value: -stepSize);
    }
}
