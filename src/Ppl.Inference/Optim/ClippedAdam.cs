using static TorchSharp.torch;

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

    private protected override double DecayedLearningRate(double lr, OptimizerOptions options, long update) =>
        lr * Math.Pow(options.Lrd!.Value, update - 1);

    private protected override void Update(Tensor values, Tensor grad, IUpdateState state, OptimizerOptions options, double lr)
    {
        double clipNorm = options.ClipNorm!.Value;
        // Pyro's form of Adam: eps is added before the bias correction, which is folded into the step size
        AdamArithmetic.Update(values, grad.clamp(Constants[-clipNorm], Constants[clipNorm]), state, options, lr, AdamEps.BeforeBiasCorrection, Constants);
    }
}
