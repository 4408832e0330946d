using Ppl.Inference.Optim;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Ppl.Tests.Inference.Optim;

/// <summary>A small coupled quadratic with a known minimum, and helpers to run optimizers on it.</summary>
internal static class OptimTestUtil
{
    public static readonly double[] Curvature = [3.0, 1.0, 0.5];
    public static readonly double[] Centre = [1.0, -2.0, 0.5];

    public static Parameter NewParameter(double[] values, Device? device = null) =>
        new(tensor(values, dtype: float64, device: device ?? CPU), requires_grad: true);

    /// <summary>Σ aᵢ(wᵢ − cᵢ)² + 0.5·(w₀ − c₀)(w₁ − c₁): positive definite, minimum at c.</summary>
    public static Tensor Loss(Tensor w)
    {
        var a = tensor(Curvature, dtype: float64, device: w.device);
        var d = w - tensor(Centre, dtype: float64, device: w.device);
        return (a * d.pow(2)).sum() + (0.5 * d[0] * d[1]);
    }

    /// <summary>A second parameter's loss: Σ (b − 0.25)², so two parameters of different shapes are stepped together.</summary>
    public static Tensor LossB(Tensor b) => (b - 0.25).pow(2).sum();

    public static Optimizer Create(string kind) => kind switch
    {
        "Adam" => new Adam(lr: 0.05),
        "AdamWd" => new Adam(lr: 0.05, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.1),
        "ClippedAdam" => new ClippedAdam(lr: 0.05, clipNorm: 1.0, lrd: 0.99),
        "Sgd" => new Sgd(lr: 0.05),
        "SgdMomentum" => new Sgd(lr: 0.05, momentum: 0.9, dampening: 0.1, weightDecay: 0.01),
        "SgdNesterov" => new Sgd(lr: 0.05, momentum: 0.9, nesterov: true),
        "RmsProp" => new RmsProp(lr: 0.01),
        "RmsPropCentredMomentum" => new RmsProp(lr: 0.01, alpha: 0.9, momentum: 0.5, centered: true, weightDecay: 0.01),
        "AdaGrad" => new AdaGrad(lr: 0.5, lrDecay: 0.01, initialAccumulatorValue: 0.1, weightDecay: 0.01),
        _ => throw new ArgumentException(kind, nameof(kind)),
    };

    public static readonly TheoryData<string> Kinds =
        ["Adam", "AdamWd", "ClippedAdam", "Sgd", "SgdMomentum", "SgdNesterov", "RmsProp", "RmsPropCentredMomentum", "AdaGrad"];

    /// <summary>One training step of the two-parameter problem, all temporaries in a dispose scope.</summary>
    public static void TrainStep(Optimizer optimizer, Parameter w, Parameter b)
    {
        using var scope = NewDisposeScope();
        (Loss(w) + LossB(b)).backward();
        optimizer.Step([("w", w), ("b", b)]);
        Optimizer.ZeroGrad([w, b]);
    }

    public static double[] Values(Tensor t) => t.detach().cpu().data<double>().ToArray();
}
