using System.Numerics;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.Optim;

/// <summary>
/// Adam's update as one pass over memory for contiguous float32/float64 CPU tensors (a fast path:
/// docs/design/fast-paths.md). Written as libtorch ops the update is eight kernels, each reading
/// and writing whole tensors (a 784-400-50 VAE's 0.7 M parameters cost 2–3.5 ms per step that way,
/// as much as its forward pass); here every element is read and written once, with the same
/// operations in the same order on the same precision (libtorch's CPU kernels compute float32 ops
/// in float32), vectorized with <see cref="Vector{T}"/>. Any other device, dtype or layout takes the
/// op-by-op path.
/// </summary>
internal static class FusedAdamKernel
{
    /// <summary>
    /// Updates <paramref name="values"/>, <paramref name="expAvg"/> and <paramref name="expAvgSq"/>
    /// in place when all four tensors qualify; returns false (nothing touched) otherwise. Bumps the
    /// parameter's autograd version as an in-place op would, so a graph that saved the old values
    /// refuses to run backward instead of silently using the new ones.
    /// </summary>
    public static bool TryUpdate(Tensor values, Tensor grad, Tensor expAvg, Tensor expAvgSq, in AdamStep step)
    {
        var dtype = values.dtype;
        if (!FastPaths.Enabled || !Qualifies(values, dtype) || !Qualifies(grad, dtype) || !Qualifies(expAvg, dtype) || !Qualifies(expAvgSq, dtype))
        {
            return false;
        }

        long n = values.numel();
        if (grad.numel() != n || expAvg.numel() != n || expAvgSq.numel() != n)
        {
            return false;
        }

        if (dtype == ScalarType.Float32)
        {
            Run(CpuFloatTensor.Elements<float>(values), CpuFloatTensor.Elements<float>(grad), CpuFloatTensor.Elements<float>(expAvg), CpuFloatTensor.Elements<float>(expAvgSq), Constants<float>.Of(step), step.EpsAfterBiasCorrection);
        }
        else
        {
            Run(CpuFloatTensor.Elements<double>(values), CpuFloatTensor.Elements<double>(grad), CpuFloatTensor.Elements<double>(expAvg), CpuFloatTensor.Elements<double>(expAvgSq), Constants<double>.Of(step), step.EpsAfterBiasCorrection);
        }

        using var flat = values.view(-1);
        using var none = flat.narrow(0, 0, 0);
        none.zero_(); // an in-place op on an empty view: increments the version counter it shares with values
        return true;
    }

    private static bool Qualifies(Tensor t, ScalarType dtype) => t.dtype == dtype && CpuFloatTensor.Qualifies(t);

    private static void Run<T>(Span<T> p, Span<T> g, Span<T> m, Span<T> v, Constants<T> c, bool epsAfter)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && Vector<T>.Count > 1)
        {
            var pv = MemoryMarshal.Cast<T, Vector<T>>(p);
            var gv = MemoryMarshal.Cast<T, Vector<T>>(g);
            var mv = MemoryMarshal.Cast<T, Vector<T>>(m);
            var vv = MemoryMarshal.Cast<T, Vector<T>>(v);
            Vector<T> b1 = new(c.Beta1), a1 = new(c.OneMinusBeta1), b2 = new(c.Beta2), a2 = new(c.OneMinusBeta2);
            Vector<T> wd = new(c.WeightDecay), c2 = new(c.Correction2), eps = new(c.Eps), step = new(c.StepSize);
            bool decay = c.WeightDecay != T.Zero;
            for (int k = 0; k < pv.Length; k++)
            {
                var gk = decay ? gv[k] + (wd * pv[k]) : gv[k];
                var mk = (mv[k] * b1) + (a1 * gk);
                var vk = (vv[k] * b2) + (a2 * gk * gk);
                var denom = epsAfter ? (Vector.SquareRoot(vk) / c2) + eps : Vector.SquareRoot(vk) + eps;
                mv[k] = mk;
                vv[k] = vk;
                pv[k] += step * mk / denom;
            }

            i = pv.Length * Vector<T>.Count;
        }

        for (; i < p.Length; i++)
        {
            var gi = c.WeightDecay != T.Zero ? g[i] + (c.WeightDecay * p[i]) : g[i];
            var mi = (m[i] * c.Beta1) + (c.OneMinusBeta1 * gi);
            var vi = (v[i] * c.Beta2) + (c.OneMinusBeta2 * gi * gi);
            var denom = epsAfter ? (T.Sqrt(vi) / c.Correction2) + c.Eps : T.Sqrt(vi) + c.Eps;
            m[i] = mi;
            v[i] = vi;
            p[i] += c.StepSize * mi / denom;
        }
    }

    /// <summary>The step's hyperparameters in the tensors' precision, as libtorch converts scalars for a kernel.</summary>
    private readonly record struct Constants<T>(T Beta1, T OneMinusBeta1, T Beta2, T OneMinusBeta2, T WeightDecay, T Correction2, T Eps, T StepSize)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        public static Constants<T> Of(in AdamStep s) => new(
            T.CreateChecked(s.Beta1), T.CreateChecked(1 - s.Beta1), T.CreateChecked(s.Beta2), T.CreateChecked(1 - s.Beta2),
            T.CreateChecked(s.WeightDecay), T.CreateChecked(s.Correction2), T.CreateChecked(s.Eps), T.CreateChecked(s.StepSize));
    }
}

/// <summary>One Adam update's hyperparameters, bias corrections folded in as <see cref="AdamArithmetic"/> computes them.</summary>
/// <param name="Beta1">Decay of the gradient average.</param>
/// <param name="Beta2">Decay of the squared-gradient average.</param>
/// <param name="WeightDecay">L2 penalty added to the gradient.</param>
/// <param name="Correction2">√(1 − β₂ᵗ) when eps is added after the bias correction; unused otherwise.</param>
/// <param name="Eps">Added to the denominator.</param>
/// <param name="StepSize">The signed multiplier of m / denom.</param>
/// <param name="EpsAfterBiasCorrection">PyTorch's Adam (true) or Pyro's ClippedAdam (false).</param>
internal readonly record struct AdamStep(double Beta1, double Beta2, double WeightDecay, double Correction2, double Eps, double StepSize, bool EpsAfterBiasCorrection);
