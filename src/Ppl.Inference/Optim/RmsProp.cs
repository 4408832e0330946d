using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Optim;

/// <summary>
/// RMSprop (Hinton) with PyTorch's semantics: eps outside the square root, optional centring by
/// the running gradient mean, optional momentum on the normalised gradient, coupled weight decay.
/// </summary>
public sealed class RmsProp : Optimizer
{
    /// <summary>Creates an RMSprop optimizer; <see cref="OptimizerOptions"/> overrides may change lr, alpha, eps, momentum and weight decay per parameter.</summary>
    /// <param name="lr">Learning rate, non-negative.</param>
    /// <param name="alpha">Smoothing constant of the squared-gradient average, non-negative.</param>
    /// <param name="eps">Added to the denominator, non-negative.</param>
    /// <param name="momentum">Momentum factor, non-negative.</param>
    /// <param name="centered">Normalise by the estimated gradient variance instead of the raw second moment.</param>
    /// <param name="weightDecay">L2 penalty, non-negative.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public RmsProp(double lr = 1e-2, double alpha = 0.99, double eps = 1e-8, double momentum = 0, bool centered = false, double weightDecay = 0)
        : base(nameof(RmsProp), new OptimizerOptions { LearningRate = lr, Alpha = alpha, Eps = eps, Momentum = momentum, WeightDecay = weightDecay })
    {
        Centered = centered;
    }

    /// <summary>Whether the centred variant is used.</summary>
    public bool Centered { get; }

    private protected override void Update(Tensor values, Tensor grad, IUpdateState state, OptimizerOptions options, double lr)
    {
        double alpha = options.Alpha!.Value, eps = options.Eps!.Value, momentum = options.Momentum!.Value, weightDecay = options.WeightDecay!.Value;
        if (weightDecay != 0)
        {
            grad = grad.add(values, alpha: Constants[weightDecay]);
        }

        var squareAvg = state.GetOrCreate("square_avg", ZerosLike);
        squareAvg.mul_(Constants[alpha]).addcmul_(grad, grad, value: Constants[1 - alpha]);
        Tensor avg;
        if (Centered)
        {
            var gradAvg = state.GetOrCreate("grad_avg", ZerosLike);
            gradAvg.mul_(Constants[alpha]).add_(grad, alpha: Constants[1 - alpha]);
            avg = squareAvg.addcmul(gradAvg, gradAvg, value: Constants[-1]).sqrt_().add_(Constants[eps]);
        }
        else
        {
            avg = squareAvg.sqrt().add_(Constants[eps]);
        }

        if (momentum > 0)
        {
            var buffer = state.GetOrCreate("momentum_buffer", ZerosLike);
            buffer.mul_(Constants[momentum]).addcdiv_(grad, avg);
            using Scalar step = -lr;
            values.add_(buffer, alpha: step);
        }
        else
        {
            using Scalar step = -lr;
            values.addcdiv_(grad, avg, value: step);
        }
    }

    private static Tensor ZerosLike(Tensor values) => zeros_like(values);
}
