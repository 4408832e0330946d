using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Optim;

/// <summary>
/// AdaGrad (Duchi, Hazan and Singer) with PyTorch's semantics: per-element step sizes from the
/// accumulated squared gradients, an additive learning-rate decay over the parameter's updates,
/// and coupled weight decay.
/// </summary>
public sealed class AdaGrad : Optimizer
{
    /// <summary>Creates an AdaGrad optimizer; <see cref="OptimizerOptions"/> overrides may change lr, lr decay, eps and weight decay per parameter.</summary>
    /// <param name="lr">Learning rate, non-negative.</param>
    /// <param name="lrDecay">Additive decay: update t uses lr / (1 + (t − 1)·lrDecay); non-negative.</param>
    /// <param name="eps">Added to the denominator, non-negative.</param>
    /// <param name="initialAccumulatorValue">Starting value of the squared-gradient sum, non-negative.</param>
    /// <param name="weightDecay">L2 penalty, non-negative.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public AdaGrad(double lr = 1e-2, double lrDecay = 0, double eps = 1e-10, double initialAccumulatorValue = 0, double weightDecay = 0)
        : base(nameof(AdaGrad), new OptimizerOptions { LearningRate = lr, LearningRateDecay = lrDecay, Eps = eps, WeightDecay = weightDecay })
    {
        if (!(initialAccumulatorValue >= 0))
        {
            throw new ArgumentException($"{Name}: initial accumulator value must be non-negative, got {initialAccumulatorValue}.", nameof(initialAccumulatorValue));
        }

        InitialAccumulatorValue = initialAccumulatorValue;
    }

    /// <summary>Starting value of every parameter's squared-gradient sum.</summary>
    public double InitialAccumulatorValue { get; }

    private protected override double DecayedLearningRate(double lr, OptimizerOptions options, long update) =>
        lr / (1 + ((update - 1) * options.LearningRateDecay!.Value));

    private protected override void Update(Tensor values, Tensor grad, IUpdateState state, OptimizerOptions options, double lr)
    {
        double eps = options.Eps!.Value, weightDecay = options.WeightDecay!.Value;
        var sum = state.GetOrCreate("sum", v => full_like(v, InitialAccumulatorValue));
        if (weightDecay != 0)
        {
            grad = grad.add(values, alpha: Constants[weightDecay]);
        }

        sum.addcmul_(grad, grad, value: Constants[1]);
        var std = sum.sqrt().add_(Constants[eps]);
        using Scalar stepSize = -lr;
        values.addcdiv_(grad, std, value: stepSize);
    }
}
