using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using static Ppl.Primitives;
using static TorchSharp.torch;
using MathNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests;

[Collection("Sequential")]
public sealed class ScaleProperties
{
    private static readonly double[] Obs = [0.4, -1.1, 2.3];

    // y ~ N(0.5, 1.5) in a plate of 3, observed
    private static readonly Func<bool, Tensor> Model = _ =>
    {
        using var plate = Plate("n", 3);
        return Sample("y", F64.Normal64(0.5, 1.5), obs: F64.T(Obs));
    };

    // s in [0.001, 1000]
    private static readonly Arbitrary<double> PositiveScale = Gen.Choose(1, 1_000_000).Select(k => k / 1000.0).ToArbitrary();

    [Property(MaxTest = 50, Replay = "(20250102,3)")]
    public Property ScaleMultipliesLogProbSum() => Prop.ForAll(PositiveScale, s =>
    {
        using var scope = NewDisposeScope();
        double unscaled = Obs.Sum(v => MathNormal.PDFLn(0.5, 1.5, v));
        double scaled = F64.D(Model.Scale(s).GetTrace(false).LogProbSum());

        // relative tolerance 1e-9 in float64
        return Math.Abs(scaled - (s * unscaled)) <= 1e-9 * Math.Abs(s * unscaled);
    });
}
