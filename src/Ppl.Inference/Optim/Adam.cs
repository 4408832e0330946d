using static TorchSharp.torch;

namespace Ppl.Inference.Optim;

/// <summary>
/// Adam (Kingma and Ba) with PyTorch's semantics: bias-corrected moment averages and coupled
/// weight decay (the L2 penalty is added to the gradient), as <c>pyro.optim.Adam</c> wraps.
/// </summary>
public sealed class Adam : Optimizer
{
    /// <summary>Creates an Adam optimizer; <see cref="OptimizerOptions"/> overrides may change every argument per parameter.</summary>
    /// <param name="lr">Learning rate, non-negative.</param>
    /// <param name="beta1">Decay of the gradient average, in [0, 1).</param>
    /// <param name="beta2">Decay of the squared-gradient average, in [0, 1).</param>
    /// <param name="eps">Added to the denominator, non-negative.</param>
    /// <param name="weightDecay">L2 penalty, non-negative.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public Adam(double lr = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0)
        : base(nameof(Adam), new OptimizerOptions { LearningRate = lr, Beta1 = beta1, Beta2 = beta2, Eps = eps, WeightDecay = weightDecay })
    {
    }

    private protected override void Update(Tensor values, Tensor grad, IUpdateState state, OptimizerOptions options, double lr) =>
        AdamArithmetic.Update(values, grad, state, options, lr, AdamEps.AfterBiasCorrection, Constants);
}
