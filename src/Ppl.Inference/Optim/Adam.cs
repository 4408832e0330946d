using TorchSharp;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

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

    private protected override void Update(Parameter parameter, Tensor grad, ParameterState state, OptimizerOptions options, double lr)
    {
        double beta1 = options.Beta1!.Value, beta2 = options.Beta2!.Value, eps = options.Eps!.Value, weightDecay = options.WeightDecay!.Value;
        var expAvg = state.GetOrCreate("exp_avg", () => zeros_like(parameter));
        var expAvgSq = state.GetOrCreate("exp_avg_sq", () => zeros_like(parameter));
        if (weightDecay != 0)
        {
            grad = grad.add(parameter, alpha: weightDecay);
        }

        double biasCorrection1 = 1 - Math.Pow(beta1, state.Step);
        double biasCorrection2 = 1 - Math.Pow(beta2, state.Step);
        // native scalars: the hyperparameters' are made once per value; the two that change every
        // step are disposed at once (implicit double → Scalar conversions would leave finalizable
        // native objects to the finalizer thread)
        Scalar b1 = Constant(beta1), oneMinusB1 = Constant(1 - beta1), b2 = Constant(beta2), oneMinusB2 = Constant(1 - beta2), epsilon = Constant(eps);
        using Scalar correction2 = Math.Sqrt(biasCorrection2), stepSize = -lr / biasCorrection1;
        expAvg.mul_(b1).add_(grad, alpha: oneMinusB1);
        expAvgSq.mul_(b2).addcmul_(grad, grad, value: oneMinusB2);
        // PyTorch's order of operations (eps added after the bias correction), so trajectories agree to the last bit.
        var denom = expAvgSq.sqrt().div_(correction2).add_(epsilon);
        parameter.addcdiv_(expAvg, denom, value: stepSize);
    }

    private protected override bool SupportsFusedUpdate => true;

    private protected override void UpdateFused(string groupKey, IReadOnlyList<FusedItem> items, OptimizerOptions options, double lr)
    {
        // the same ops as Update, on the stacked parameters, gradients and states (rows are the
        // per-parameter state tensors), so each parameter gets exactly its own update
        double beta1 = options.Beta1!.Value, beta2 = options.Beta2!.Value, eps = options.Eps!.Value, weightDecay = options.WeightDecay!.Value;
        var expAvg = GroupState(groupKey, items, "exp_avg");
        var expAvgSq = GroupState(groupKey, items, "exp_avg_sq");
        var grads = new Tensor[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            grads[i] = items[i].Grad;
        }

        var grad = stack(grads);
        var values = GroupValues(groupKey, items); // the members' own storage: updated in place, nothing to copy back
        if (weightDecay != 0)
        {
            grad = grad.add(values, alpha: weightDecay);
        }

        long step = items[0].State.Step;
        double biasCorrection1 = 1 - Math.Pow(beta1, step);
        double biasCorrection2 = 1 - Math.Pow(beta2, step);
        Scalar b1 = Constant(beta1), oneMinusB1 = Constant(1 - beta1), b2 = Constant(beta2), oneMinusB2 = Constant(1 - beta2), epsilon = Constant(eps);
        using Scalar correction2 = Math.Sqrt(biasCorrection2), stepSize = -lr / biasCorrection1;
        expAvg.mul_(b1).add_(grad, alpha: oneMinusB1);
        expAvgSq.mul_(b2).addcmul_(grad, grad, value: oneMinusB2);
        var denom = expAvgSq.sqrt().div_(correction2).add_(epsilon);
        values.addcdiv_(expAvg, denom, value: stepSize);
    }
}
