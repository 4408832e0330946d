using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Optim;

/// <summary>Where Adam adds eps to the denominator.</summary>
internal enum AdamEps
{
    /// <summary>PyTorch's Adam: after the bias correction, √(v / (1 − β₂ᵗ)) + eps.</summary>
    AfterBiasCorrection,

    /// <summary>Pyro's ClippedAdam: before it, √v + eps, with the correction folded into the step size.</summary>
    BeforeBiasCorrection,
}

/// <summary>
/// Adam's arithmetic, written once for <see cref="Adam"/> and <see cref="ClippedAdam"/> and run on
/// one parameter's tensors or on a group's stacks (PyTorch's single- and multi-tensor paths): the
/// ops are elementwise, so each row of a stack gets exactly its own parameter's update.
/// </summary>
internal static class AdamArithmetic
{
    /// <summary>
    /// One in-place update of <paramref name="values"/> (under no_grad, inside a dispose scope);
    /// <paramref name="lr"/> is final (schedule, overrides and any per-update decay applied).
    /// </summary>
    public static void Update(Tensor values, Tensor grad, IUpdateState state, OptimizerOptions options, double lr, AdamEps eps, ScalarConstants constants)
    {
        double beta1 = options.Beta1!.Value, beta2 = options.Beta2!.Value, weightDecay = options.WeightDecay!.Value;
        var expAvg = state.GetOrCreate("exp_avg", ZerosLike);
        var expAvgSq = state.GetOrCreate("exp_avg_sq", ZerosLike);
        double biasCorrection1 = 1 - Math.Pow(beta1, state.Step);
        double biasCorrection2 = 1 - Math.Pow(beta2, state.Step);
        double correction2 = Math.Sqrt(biasCorrection2);
        double stepSize = eps == AdamEps.AfterBiasCorrection ? -lr / biasCorrection1 : -(lr * correction2 / biasCorrection1);
        if (FusedAdamKernel.TryUpdate(values, grad, expAvg, expAvgSq, new AdamStep(beta1, beta2, weightDecay, correction2, options.Eps!.Value, stepSize, eps == AdamEps.AfterBiasCorrection)))
        {
            return;
        }

        if (weightDecay != 0)
        {
            grad = grad.add(values, alpha: constants[weightDecay]);
        }

        expAvg.mul_(constants[beta1]).add_(grad, alpha: constants[1 - beta1]);
        expAvgSq.mul_(constants[beta2]).addcmul_(grad, grad, value: constants[1 - beta2]);
        var epsilon = constants[options.Eps!.Value];
        // the two scalars that change every step are disposed at once (not left to the finalizer)
        using Scalar step = stepSize;
        if (eps == AdamEps.AfterBiasCorrection)
        {
            // PyTorch's order of operations, so trajectories agree to the last bit
            using Scalar correction = correction2;
            var denom = expAvgSq.sqrt().div_(correction).add_(epsilon);
            values.addcdiv_(expAvg, denom, value: step);
        }
        else
        {
            var denom = expAvgSq.sqrt().add_(epsilon);
            values.addcdiv_(expAvg, denom, value: step);
        }
    }

    private static Tensor ZerosLike(Tensor values) => zeros_like(values);
}
