using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Optim;

/// <summary>
/// Stochastic gradient descent with optional (Nesterov) momentum and coupled weight decay, with
/// PyTorch's semantics: the momentum buffer starts as the first gradient, not as zero.
/// </summary>
public sealed class Sgd : Optimizer
{
    /// <summary>Creates an SGD optimizer; <see cref="OptimizerOptions"/> overrides may change lr, momentum, dampening and weight decay per parameter.</summary>
    /// <param name="lr">Learning rate, non-negative.</param>
    /// <param name="momentum">Momentum factor, non-negative.</param>
    /// <param name="dampening">Dampening of the momentum.</param>
    /// <param name="nesterov">Nesterov momentum; needs positive momentum and zero dampening.</param>
    /// <param name="weightDecay">L2 penalty, non-negative.</param>
    /// <exception cref="ArgumentException">An argument is out of range.</exception>
    public Sgd(double lr, double momentum = 0, double dampening = 0, bool nesterov = false, double weightDecay = 0)
        : base(nameof(Sgd), new OptimizerOptions { LearningRate = lr, Momentum = momentum, Dampening = dampening, WeightDecay = weightDecay })
    {
        Nesterov = nesterov;
        CheckNesterov(Name, nesterov, momentum, dampening, parameterName: null);
    }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    private protected override void Update(Tensor values, Tensor grad, IUpdateState state, OptimizerOptions options, double lr)
    {
        double momentum = options.Momentum!.Value, dampening = options.Dampening!.Value, weightDecay = options.WeightDecay!.Value;
        if (!ReferenceEquals(options, Defaults))
        {
            CheckNesterov(Name, Nesterov, momentum, dampening, "an overridden parameter");
        }

        if (weightDecay != 0)
        {
            grad = grad.add(values, alpha: Constants[weightDecay]);
        }

        if (momentum != 0)
        {
            var buffer = state.TryGet("momentum_buffer");
            if (buffer is null)
            {
                buffer = state.Set("momentum_buffer", grad.detach().clone());
            }
            else
            {
                buffer.mul_(Constants[momentum]).add_(grad, alpha: Constants[1 - dampening]);
            }

            grad = Nesterov ? grad.add(buffer, alpha: Constants[momentum]) : buffer;
        }

        using Scalar step = -lr;
        values.add_(grad, alpha: step);
    }

    private static void CheckNesterov(string optimizer, bool nesterov, double momentum, double dampening, string? parameterName)
    {
        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            string where = parameterName is null ? optimizer : $"{optimizer} ({parameterName})";
            throw new ArgumentException($"{where}: nesterov needs a positive momentum and zero dampening, got momentum {momentum}, dampening {dampening}.", nameof(nesterov));
        }
    }
}
