using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Ppl.Distributions;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;
using MathNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests;

/// <summary>Independent handlers commute: their nesting order does not change the trace.</summary>
[Collection("Sequential")]
public sealed class HandlerCommutationProperties
{
    private const int K = 4;

    private static readonly Func<bool, Tensor> Chain = _ =>
    {
        var s0 = Sample("s0", F64.Normal64(0, 1));
        var s1 = Sample("s1", new Normal(s0, 1.0));
        var s2 = Sample("s2", new Normal(s1, 0.5));
        return Sample("s3", new Normal(s2.add(s0), 2.0));
    };

    private static readonly double[] Obs = [0.4, -1.1, 2.3];

    private static readonly Func<bool, Tensor> Plated = _ =>
    {
        using var plate = Plate("n", 3);
        return Sample("y", F64.Normal64(0.5, 1.5), obs: F64.T(Obs));
    };

    // per site: 0 = latent, 1 = in A, 2 = in B; plus an observation value per site
    private static readonly Arbitrary<(int[] Owner, int[] Value)> Partitions =
        Gen.Zip(Gen.ArrayOf(Gen.Choose(0, 2), K), Gen.ArrayOf(Gen.Choose(-500, 500), K)).ToArbitrary();

    private static readonly Arbitrary<(bool[] Mask, int Scale)> MaskAndScale =
        Gen.Zip(Gen.ArrayOf(Gen.Elements(true, false), 3), Gen.Choose(1, 100_000)).ToArbitrary();

    [Property(MaxTest = 50, Replay = "(20250103,5)")]
    public Property ConditionsOnDisjointNamesCommute() => Prop.ForAll(Partitions, p =>
    {
        using var scope = NewDisposeScope();
        var a = Part(p, 1);
        var b = Part(p, 2);

        // the seed is outermost, so latent draws are the same in both orders (per-site generators)
        var ab = Chain.Condition(a).Condition(b).Seed(17).GetTrace(false);
        var ba = Chain.Condition(b).Condition(a).Seed(17).GetTrace(false);

        for (int i = 0; i < K; i++)
        {
            var x = ab[$"s{i}"];
            var y = ba[$"s{i}"];
            Assert.Equal(x.IsObserved, y.IsObserved);
            Assert.Equal(p.Owner[i] != 0, x.IsObserved);
            Assert.True(F64.Identical(x.Value!, y.Value!), $"s{i} differs");
        }

        Assert.Equal(F64.D(ab.LogProbSum()), F64.D(ba.LogProbSum()));
    });

    [Property(MaxTest = 50, Replay = "(20250104,7)")]
    public Property ScaleAndMaskCommute() => Prop.ForAll(MaskAndScale, p =>
    {
        using var scope = NewDisposeScope();
        double s = p.Scale / 1000.0;
        var mask = tensor(p.Mask);

        double scaleOutside = F64.D(Plated.With(() => new MaskMessenger(mask)).Scale(s).GetTrace(false).LogProbSum());
        double maskOutside = F64.D(Plated.Scale(s).With(() => new MaskMessenger(mask)).GetTrace(false).LogProbSum());
        double expected = s * Enumerable.Range(0, 3).Where(i => p.Mask[i]).Sum(i => MathNormal.PDFLn(0.5, 1.5, Obs[i]));

        Assert.Equal(scaleOutside, maskOutside);
        Assert.Equal(expected, scaleOutside, 1e-9 * Math.Max(1.0, Math.Abs(expected)));
    });

    private static Dictionary<string, Tensor> Part((int[] Owner, int[] Value) p, int owner) =>
        Enumerable.Range(0, K)
            .Where(i => p.Owner[i] == owner)
            .ToDictionary(i => $"s{i}", i => F64.T(p.Value[i] / 100.0), StringComparer.Ordinal);
}
