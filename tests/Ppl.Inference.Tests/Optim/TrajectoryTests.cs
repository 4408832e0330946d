using Ppl.Inference.Optim;
using static Ppl.Tests.Inference.Optim.OptimTestUtil;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Ppl.Tests.Inference.Optim;

/// <summary>
/// Our update math against independent implementations: TorchSharp's own optimizers (PyTorch
/// semantics) and, for ClippedAdam which TorchSharp lacks, a scalar double-precision transcription
/// of Pyro's formula.
/// </summary>
[Collection("Sequential")]
public sealed class TrajectoryTests
{
    private const int Steps = 20;

    public static readonly TheoryData<string> TorchKinds =
        ["Adam", "AdamWd", "Sgd", "SgdMomentum", "SgdNesterov", "RmsProp", "RmsPropCentredMomentum", "AdaGrad"];

    private static optim.Optimizer Reference(string kind, IEnumerable<Parameter> ps) => kind switch
    {
        "Adam" => new TorchSharp.Modules.Adam(ps, lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-8),
        "AdamWd" => new TorchSharp.Modules.Adam(ps, lr: 0.05, beta1: 0.8, beta2: 0.99, eps: 1e-6, weight_decay: 0.1),
        "Sgd" => new TorchSharp.Modules.SGD(ps, lr: 0.05),
        "SgdMomentum" => new TorchSharp.Modules.SGD(ps, lr: 0.05, momentum: 0.9, dampening: 0.1, weight_decay: 0.01),
        "SgdNesterov" => new TorchSharp.Modules.SGD(ps, lr: 0.05, momentum: 0.9, nesterov: true),
        "RmsProp" => new TorchSharp.Modules.RMSProp(ps, lr: 0.01, alpha: 0.99, eps: 1e-8),
        "RmsPropCentredMomentum" => new TorchSharp.Modules.RMSProp(ps, lr: 0.01, alpha: 0.9, eps: 1e-8, weight_decay: 0.01, momentum: 0.5, centered: true),
        "AdaGrad" => new TorchSharp.Modules.Adagrad(ps, lr: 0.5, lr_decay: 0.01, weight_decay: 0.01, initial_accumulator_value: 0.1),
        _ => throw new ArgumentException(kind, nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(TorchKinds))]
    public void TrajectoryMatchesTorchSharp(string kind)
    {
        using var scope = NewDisposeScope();
        var w = NewParameter([0.3, 0.7, -1.2]);
        var b = NewParameter([1.5, -0.5]);
        var wRef = NewParameter([0.3, 0.7, -1.2]);
        var bRef = NewParameter([1.5, -0.5]);
        using var ours = Create(kind);
        using var theirs = Reference(kind, [wRef, bRef]);
        for (int step = 0; step < Steps; step++)
        {
            TrainStep(ours, w, b);
            using (NewDisposeScope())
            {
                theirs.zero_grad();
                (Loss(wRef) + LossB(bRef)).backward();
                theirs.step();
            }

            AssertClose(Values(wRef), Values(w), 1e-12, $"{kind} w at step {step}");
            AssertClose(Values(bRef), Values(b), 1e-12, $"{kind} b at step {step}");
        }

        // The trajectory must actually have gone somewhere for the comparison to mean anything.
        Assert.True(Math.Abs(Values(w)[0] - 0.3) > 1e-3, $"{kind} did not move");
    }

    [Theory]
    [InlineData(1.0, 0.99, 0.0)]
    [InlineData(0.5, 0.9, 0.05)]
    public void ClippedAdamMatchesAScalarTranscriptionOfPyro(double clipNorm, double lrd, double weightDecay)
    {
        using var scope = NewDisposeScope();
        const double lr = 0.05, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
        double[] start = [0.3, 0.7, -1.2];
        var w = NewParameter(start);
        using var optimizer = new ClippedAdam(lr, beta1, beta2, eps, clipNorm, lrd, weightDecay);

        double[] x = [.. start], m = new double[3], v = new double[3];
        for (int t = 1; t <= Steps; t++)
        {
            using (NewDisposeScope())
            {
                Loss(w).backward();
                optimizer.Step([("w", w)]);
                Optimizer.ZeroGrad([w]);
            }

            // Pyro: clamp_, weight decay, moments, denom = √v + eps, step = lr·√bc2/bc1, then lr *= lrd.
            double[] d = [x[0] - Centre[0], x[1] - Centre[1], x[2] - Centre[2]];
            double[] g = [(2 * Curvature[0] * d[0]) + (0.5 * d[1]), (2 * Curvature[1] * d[1]) + (0.5 * d[0]), 2 * Curvature[2] * d[2]];
            double stepSize = lr * Math.Pow(lrd, t - 1) * Math.Sqrt(1 - Math.Pow(beta2, t)) / (1 - Math.Pow(beta1, t));
            for (int i = 0; i < 3; i++)
            {
                double gi = Math.Clamp(g[i], -clipNorm, clipNorm) + (weightDecay * x[i]);
                m[i] = (beta1 * m[i]) + ((1 - beta1) * gi);
                v[i] = (beta2 * v[i]) + ((1 - beta2) * gi * gi);
                x[i] -= stepSize * m[i] / (Math.Sqrt(v[i]) + eps);
            }

            AssertClose(x, Values(w), 1e-12, $"ClippedAdam at step {t}");
        }
    }

    [Theory]
    [InlineData(0.0, 1e-12)]
    [InlineData(1e-8, 1e-7)] // eps/√bc2 vs eps: ≈ lr·eps/(√bc2·|g|) per step, summed over 20 steps
    public void ClippedAdamWithoutClippingOrDecayIsAdam(double eps, double tolerance)
    {
        using var scope = NewDisposeScope();
        var w1 = NewParameter([0.3, 0.7, -1.2]);
        var w2 = NewParameter([0.3, 0.7, -1.2]);
        using var clipped = new ClippedAdam(lr: 0.05, eps: eps, clipNorm: 1e30, lrd: 1.0);
        using var adam = new Adam(lr: 0.05, eps: eps);
        for (int step = 0; step < Steps; step++)
        {
            using var inner = NewDisposeScope();
            Loss(w1).backward();
            Loss(w2).backward();
            clipped.Step([("w", w1)]);
            adam.Step([("w", w2)]);
            Optimizer.ZeroGrad([w1, w2]);
            // The two differ only in where eps enters (after vs before the bias correction).
            AssertClose(Values(w2), Values(w1), tolerance, $"step {step}");
        }
    }

    internal static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double scale = Math.Max(1.0, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance * scale,
                $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
