using Ppl.Distributions;
using Ppl.Distributions.Transforms;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

/// <summary>
/// <see cref="Distribution.LogProbFromNoise"/> evaluates log q at a reparameterized draw from the
/// noise the draw returned with it (<see cref="Distribution.RSampleWithNoise"/>). Its value and its
/// total derivative with respect to the parameters (through the draw) must equal those of
/// <see cref="Distribution.LogProb"/>. All in float64, where the two formulas differ only by
/// rounding (≈1e-16 relative), so 1e-12 on values and 1e-10 on gradients are loose bounds that any
/// formula error exceeds by orders of magnitude.
/// </summary>
[Collection("Sequential")]
public sealed class LogProbFromNoiseTests
{
    private const double ValueTolerance = 1e-12;
    private const double GradientTolerance = 1e-10;

    private static Tensor Leaf(params double[] values) => tensor(values, dtype: float64).requires_grad_();

    /// <summary>A draw and its log q from its noise (which the family must record).</summary>
    private static (Tensor Value, Tensor FromNoise) Draw(Distribution d, ulong seed, params long[] sampleShape)
    {
        var (v, noise) = d.RSampleWithNoise(new Generator(seed, CPU), sampleShape);
        Assert.NotNull(noise);
        var own = d.LogProbFromNoise(v, noise!);
        Assert.NotNull(own);
        return (v, own!);
    }

    /// <summary>Families with a tensor scale, built on leaf tensors loc [4] and scale [4].</summary>
    private static readonly string[] FamilyNames = ["Normal", "Laplace", "Cauchy", "Gumbel", "LogNormal", "NormalToEvent", "ExpTransformedNormal", "BijectToPositive", "BijectToGreaterThan1"];

    public static TheoryData<string> Families => new(FamilyNames);

    private static Distribution Make(string family, Tensor loc, Tensor scale) => family switch
    {
        "Normal" => new Normal(loc, scale),
        "Laplace" => new Laplace(loc, scale),
        "Cauchy" => new Cauchy(loc, scale),
        "Gumbel" => new Gumbel(loc, scale),
        "LogNormal" => new LogNormal(loc, scale),
        "NormalToEvent" => new Normal(loc, scale).ToEvent(1),
        "ExpTransformedNormal" => new TransformedDistribution(new Normal(loc, scale), ExpTransform.Instance),
        "BijectToPositive" => new TransformedDistribution(new Normal(loc, scale), Bijectors.BijectTo(Constraints.Positive)),
        "BijectToGreaterThan1" => new TransformedDistribution(new Normal(loc, scale), Bijectors.BijectTo(Constraints.GreaterThan(1.0))),
        _ => throw new ArgumentException(family, nameof(family)),
    };

    /// <summary>∂(Σ <paramref name="output"/>)/∂ each input; inputs the output does not use get 0.</summary>
    private static double[][] Gradients(Tensor output, params Tensor[] inputs)
    {
        // 0·Σ input keeps every input in the graph, so an unused one has gradient 0 rather than an error
        var total = output.sum();
        foreach (var input in inputs)
        {
            total = total.add(input.sum().mul(0.0));
        }

        var grads = autograd.grad([total], inputs, retain_graph: true);
        return [.. grads.Select(g => g.data<double>().ToArray())];
    }

    private static void AssertClose(double[] expected, double[] actual, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double bound = tolerance * Math.Max(1.0, Math.Abs(expected[i]));
            Assert.True(Math.Abs(expected[i] - actual[i]) <= bound, $"{what}[{i}]: expected {expected[i]:R}, got {actual[i]:R} (|Δ| = {Math.Abs(expected[i] - actual[i]):G3} > {bound:G3})");
        }
    }

    private static double[] Values(Tensor t) => t.detach().data<double>().ToArray();

    /// <summary>Value and gradient agreement for the draw <paramref name="v"/> of <paramref name="d"/>, whose log q from noise is <paramref name="own"/>.</summary>
    private static void AssertMatchesLogProb(Distribution d, Tensor v, Tensor own, string what, params Tensor[] parameters)
    {
        var full = d.LogProb(v);
        Assert.Equal(full.shape, own.shape);
        AssertClose(Values(full), Values(own), ValueTolerance, $"{what} value");

        var expected = Gradients(full, parameters);
        var actual = Gradients(own, parameters);
        for (int k = 0; k < parameters.Length; k++)
        {
            Assert.Contains(expected[k], g => g != 0.0); // the comparison is not between two zero vectors
            AssertClose(expected[k], actual[k], GradientTolerance, $"{what} ∂/∂parameter {k}");
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void LogProbFromNoiseEqualsLogProbInValueAndTotalDerivative(string family)
    {
        using var scope = NewDisposeScope();
        var loc = Leaf(-0.7, 0.0, 0.4, 1.3);
        var scale = Leaf(0.3, 1.0, 1.7, 0.6);
        var d = Make(family, loc, scale);
        var (v, own) = Draw(d, 11, 3);

        // the total derivative with respect to loc vanishes for location-scale families; compare scale alone there
        var parameters = family is "Normal" or "Laplace" or "Cauchy" or "Gumbel" or "NormalToEvent" ? new[] { scale } : new[] { loc, scale };
        AssertMatchesLogProb(d, v, own, family, parameters);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void LogProbFromNoiseLocationGradientEqualsLogProbs(string family)
    {
        using var scope = NewDisposeScope();
        var loc = Leaf(-0.7, 0.0, 0.4, 1.3);
        var scale = Leaf(0.3, 1.0, 1.7, 0.6);
        var d = Make(family, loc, scale);
        var (v, own) = Draw(d, 12, 3);
        AssertClose(Gradients(d.LogProb(v), loc)[0], Gradients(own, loc)[0], GradientTolerance, $"{family} ∂/∂loc");
    }

    [Fact]
    public void NormalOwnDrawGradientIsTheClosedFormMinusOneOverScale()
    {
        // log q(loc + σε) = log φ(ε) − log σ: the total derivative is 0 in loc and −1/σ per draw in σ
        using var scope = NewDisposeScope();
        var loc = Leaf(0.5, -1.0);
        var scale = Leaf(0.25, 2.0);
        var d = new Normal(loc, scale);
        var (_, own) = Draw(d, 5, 3);
        var grads = Gradients(own, loc, scale);
        AssertClose([0.0, 0.0], grads[0], GradientTolerance, "∂/∂loc");
        AssertClose([-3 / 0.25, -3 / 2.0], grads[1], GradientTolerance, "∂/∂scale");
    }

    [Fact]
    public void ScaleMadeByExpTransformGetsTheTotalDerivativeThroughItsPreimage()
    {
        // σ = exp(u): d/du [log φ(ε) − u] = −1 per draw, the same as LogProb's total derivative;
        // with u recorded as σ's preimage (a positive parameter in an ELBO) log σ is u itself
        using var scope = NewDisposeScope();
        var loc = Leaf(0.5, -1.0, 2.0);
        var u = Leaf(-1.2, 0.0, 0.8);
        var sigma = ExpTransform.Instance.Forward(u);
        var d = new Normal(loc, sigma);
        using (ExpPreimages.Install([(sigma, u)]))
        {
            var (v, own) = Draw(d, 6, 4);
            AssertMatchesLogProb(d, v, own, "Normal(loc, exp u)", u);
            AssertClose([-4.0, -4.0, -4.0], Gradients(own, u)[0], GradientTolerance, "∂/∂u");
        }
    }

    [Fact]
    public void BroadcastZeroDimScaleMatchesLogProb()
    {
        using var scope = NewDisposeScope();
        var loc = Leaf(-0.7, 0.0, 0.4, 1.3);
        var scale = Leaf(0.9);
        foreach (var d in new Distribution[] { new Normal(loc, scale), new LogNormal(loc, scale), new Gumbel(loc, scale) })
        {
            var (v, own) = Draw(d, 13, 2);
            AssertMatchesLogProb(d, v, own, d.GetType().Name + " with a 0-dim scale", scale);
        }
    }

    public static TheoryData<string, double> ConstantScales => new()
    {
        { "Normal", 2.5 },
        { "Normal", 1.0 },
        { "Laplace", 0.4 },
        { "Laplace", 1.0 },
        { "Cauchy", 3.0 },
        { "Gumbel", 1.0 },
        { "LogNormal", 0.7 },
        { "LogNormal", 1.0 },
    };

    [Theory]
    [MemberData(nameof(ConstantScales))]
    public void ConstantDoubleScaleMatchesLogProb(string family, double scale)
    {
        using var scope = NewDisposeScope();
        var loc = Leaf(-0.7, 0.0, 0.4, 1.3);
        Distribution d = family switch
        {
            "Normal" => new Normal(loc, scale),
            "Laplace" => new Laplace(loc, scale),
            "Cauchy" => new Cauchy(loc, scale),
            "Gumbel" => new Gumbel(loc, scale),
            "LogNormal" => new LogNormal(loc, scale),
            _ => throw new ArgumentException(family, nameof(family)),
        };
        var (v, own) = Draw(d, 17, 3);
        AssertClose(Values(d.LogProb(v)), Values(own), ValueTolerance, $"{family}(loc, {scale}) value");
        var grads = (Expected: Gradients(d.LogProb(v), loc)[0], Actual: Gradients(own, loc)[0]);
        AssertClose(grads.Expected, grads.Actual, GradientTolerance, $"{family}(loc, {scale}) ∂/∂loc");
        if (family == "LogNormal")
        {
            // log x = loc + σε carries loc: −log x has total derivative −1 per draw
            Assert.Contains(grads.Expected, g => g != 0.0);
            AssertClose([-3.0, -3.0, -3.0, -3.0], grads.Actual, GradientTolerance, "LogNormal ∂/∂loc closed form");
        }
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void TheDrawIsTheOneSampleCoreMakesAndTheDistributionKeepsNothing(string family)
    {
        // the noise comes back with the value: the same draw as RSample's for the same generator
        // state, and drawing again leaves the first draw's noise valid (nothing is remembered)
        using var scope = NewDisposeScope();
        var loc = Leaf(-0.7, 0.0, 0.4, 1.3);
        var scale = Leaf(0.3, 1.0, 1.7, 0.6);
        var d = Make(family, loc, scale);
        var (first, firstNoise) = d.RSampleWithNoise(new Generator(19, CPU), 2);
        Assert.Equal(Values(d.RSample(new Generator(19, CPU), 2)), Values(first));
        var (second, _) = d.RSampleWithNoise(new Generator(20, CPU), 2);
        AssertClose(Values(d.LogProb(first)), Values(d.LogProbFromNoise(first, firstNoise!)!), ValueTolerance, $"{family} first draw after a second");
        Assert.NotEqual(Values(first), Values(second));
        Assert.DoesNotContain(d.GetType().GetFields(System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic), f => f.FieldType == typeof(Tensor) && f.Name.Contains("last", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void ADrawWithoutAGradientPathRecordsNoNoise()
    {
        // a draw under no_grad is a constant: LogProb's derivative in the parameters is then the
        // partial one, not the total derivative through the draw, so no noise may stand for it
        using var scope = NewDisposeScope();
        foreach (var family in FamilyNames)
        {
            var d = Make(family, Leaf(-0.7, 0.0, 0.4, 1.3), Leaf(0.3, 1.0, 1.7, 0.6));
            using (no_grad())
            {
                var (v, noise) = d.RSampleWithNoise(new Generator(23, CPU), 3);
                Assert.False(v.requires_grad);
                Assert.Null(noise);
            }
        }
    }

    [Fact]
    public void LogNormalDrawsAndDensitiesAreThoseOfExpOfItsNormal()
    {
        // LogNormal runs on its normal's location-scale machinery: the same draws bit for bit as
        // exp of the normal's, and the density of the (pinned) closed form
        using var scope = NewDisposeScope();
        var loc = tensor(new[] { -0.7, 0.0, 0.4 }, dtype: float64);
        foreach (var d in new (LogNormal LogNormal, Normal Normal)[]
        {
            (new LogNormal(loc, tensor(new[] { 0.3, 1.0, 1.7 }, dtype: float64)), new Normal(loc, tensor(new[] { 0.3, 1.0, 1.7 }, dtype: float64))),
            (new LogNormal(loc, 0.6), new Normal(loc, 0.6)),
            (new LogNormal(loc, 1.0), new Normal(loc, 1.0)),
        })
        {
            var x = d.LogNormal.Sample(new Generator(29, CPU), 4);
            Assert.Equal(Values(d.Normal.Sample(new Generator(29, CPU), 4).exp()), Values(x));
            Assert.Equal(Values(PreviousLogDensity(d.LogNormal, x)), Values(d.LogNormal.LogProb(x)));
            var lp = Values(d.LogNormal.LogProb(x));
            var xs = Values(x);
            var mus = Values(d.LogNormal.Loc.expand(x.shape));
            var sigmas = Values(d.LogNormal.Scale.expand(x.shape));
            for (int i = 0; i < xs.Length; i++)
            {
                double expected = MathNet.Numerics.Distributions.LogNormal.PDFLn(mus[i], sigmas[i], xs[i]);
                Assert.True(Math.Abs(expected - lp[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected)), $"{d.LogNormal} at {xs[i]}: {lp[i]:R} vs {expected:R}");
            }
        }
    }

    /// <summary>LogNormal's log-density exactly as its own implementation computed it before it ran on the location-scale machinery (op for op, so bit for bit).</summary>
    private static Tensor PreviousLogDensity(LogNormal d, Tensor value)
    {
        double halfLog2Pi = 0.5 * Math.Log(2 * Math.PI);
        var logX = value.log();
        var (loc, scale) = (d.Loc, d.Scale);
        bool constant = IsConstant(d);
        if (constant)
        {
            double c = scale.flatten()[0].item<double>();
            var z = c == 1.0 ? logX.sub(loc) : TensorUtil.Div(logX.sub(loc), c);
            return logX.add(Math.Log(c) + halfLog2Pi).addcmul(z, z, 0.5).neg();
        }

        var zz = logX.sub(loc).div(scale);
        return logX.add(scale.log()).add(halfLog2Pi).addcmul(zz, zz, 0.5).neg();
    }

    private static bool IsConstant(LogNormal d) =>
        typeof(LogNormal).GetField("_normal", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.GetValue(d) is Normal { ConstantScale: not null };
}
