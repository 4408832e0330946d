using Ppl.Distributions;
using Ppl.Distributions.Transforms;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

/// <summary>
/// <see cref="Distribution.OwnDrawLogProb"/> evaluates log q at a distribution's own latest
/// reparameterized draw from the draw's noise. Its value and its total derivative with respect to
/// the parameters (through the draw) must equal those of <see cref="Distribution.LogProb"/>, and
/// it must decline (null) every tensor that is not that draw. All in float64, where the two
/// formulas differ only by rounding (≈1e-16 relative), so 1e-12 on values and 1e-10 on gradients
/// are loose bounds that any formula error exceeds by orders of magnitude.
/// </summary>
[Collection("Sequential")]
public sealed class OwnDrawLogProbTests
{
    private const double ValueTolerance = 1e-12;
    private const double GradientTolerance = 1e-10;

    private static Tensor Leaf(params double[] values) => tensor(values, dtype: float64).requires_grad_();

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

    /// <summary>Value and gradient agreement for the draw <paramref name="v"/> of <paramref name="d"/>.</summary>
    private static void AssertMatchesLogProb(Distribution d, Tensor v, string what, params Tensor[] parameters)
    {
        var own = d.OwnDrawLogProb(v);
        Assert.NotNull(own);
        var full = d.LogProb(v);
        Assert.Equal(full.shape, own!.shape);
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
    public void OwnDrawLogProbEqualsLogProbInValueAndTotalDerivative(string family)
    {
        using var scope = NewDisposeScope();
        var loc = Leaf(-0.7, 0.0, 0.4, 1.3);
        var scale = Leaf(0.3, 1.0, 1.7, 0.6);
        var d = Make(family, loc, scale);
        var v = d.RSample(new Generator(11, CPU), 3);

        // the total derivative with respect to loc vanishes for location-scale families; compare scale alone there
        var parameters = family is "Normal" or "Laplace" or "Cauchy" or "Gumbel" or "NormalToEvent" ? new[] { scale } : new[] { loc, scale };
        AssertMatchesLogProb(d, v, family, parameters);
    }

    [Theory]
    [MemberData(nameof(Families))]
    public void OwnDrawLogProbLocationGradientEqualsLogProbs(string family)
    {
        using var scope = NewDisposeScope();
        var loc = Leaf(-0.7, 0.0, 0.4, 1.3);
        var scale = Leaf(0.3, 1.0, 1.7, 0.6);
        var d = Make(family, loc, scale);
        var v = d.RSample(new Generator(12, CPU), 3);
        var own = d.OwnDrawLogProb(v);
        Assert.NotNull(own);
        AssertClose(Gradients(d.LogProb(v), loc)[0], Gradients(own!, loc)[0], GradientTolerance, $"{family} ∂/∂loc");
    }

    [Fact]
    public void NormalOwnDrawGradientIsTheClosedFormMinusOneOverScale()
    {
        // log q(loc + σε) = log φ(ε) − log σ: the total derivative is 0 in loc and −1/σ per draw in σ
        using var scope = NewDisposeScope();
        var loc = Leaf(0.5, -1.0);
        var scale = Leaf(0.25, 2.0);
        var d = new Normal(loc, scale);
        var v = d.RSample(new Generator(5, CPU), 3);
        var grads = Gradients(d.OwnDrawLogProb(v)!, loc, scale);
        AssertClose([0.0, 0.0], grads[0], GradientTolerance, "∂/∂loc");
        AssertClose([-3 / 0.25, -3 / 2.0], grads[1], GradientTolerance, "∂/∂scale");
    }

    [Fact]
    public void ScaleMadeByExpTransformGetsTheTotalDerivativeThroughItsPreimage()
    {
        // σ = exp(u): d/du [log φ(ε) − u] = −1 per draw, the same as LogProb's total derivative
        using var scope = NewDisposeScope();
        var loc = Leaf(0.5, -1.0, 2.0);
        var u = Leaf(-1.2, 0.0, 0.8);
        var d = new Normal(loc, ExpTransform.Instance.Forward(u));
        var v = d.RSample(new Generator(6, CPU), 4);
        AssertMatchesLogProb(d, v, "Normal(loc, exp u)", u);
        AssertClose([-4.0, -4.0, -4.0], Gradients(d.OwnDrawLogProb(v)!, u)[0], GradientTolerance, "∂/∂u");
    }

    [Fact]
    public void BroadcastZeroDimScaleMatchesLogProb()
    {
        using var scope = NewDisposeScope();
        var loc = Leaf(-0.7, 0.0, 0.4, 1.3);
        var scale = Leaf(0.9);
        foreach (var d in new Distribution[] { new Normal(loc, scale), new LogNormal(loc, scale), new Gumbel(loc, scale) })
        {
            var v = d.RSample(new Generator(13, CPU), 2);
            AssertMatchesLogProb(d, v, d.GetType().Name + " with a 0-dim scale", scale);
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
        var v = d.RSample(new Generator(17, CPU), 3);
        var own = d.OwnDrawLogProb(v);
        Assert.NotNull(own);
        AssertClose(Values(d.LogProb(v)), Values(own!), ValueTolerance, $"{family}(loc, {scale}) value");
        var grads = (Expected: Gradients(d.LogProb(v), loc)[0], Actual: Gradients(own!, loc)[0]);
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
    public void AnythingButTheLatestDrawIsDeclined(string family)
    {
        using var scope = NewDisposeScope();
        var loc = Leaf(-0.7, 0.0, 0.4, 1.3);
        var scale = Leaf(0.3, 1.0, 1.7, 0.6);
        var d = Make(family, loc, scale);
        Assert.Null(d.OwnDrawLogProb(full([.. d.BatchShape, .. d.EventShape], 1.5, dtype: float64))); // no draw yet

        var first = d.RSample(new Generator(19, CPU));
        Assert.NotNull(d.OwnDrawLogProb(first));
        Assert.Null(d.OwnDrawLogProb(first.clone()));
        Assert.Null(d.OwnDrawLogProb(first.alias()));
        Assert.Null(d.OwnDrawLogProb(first.detach()));

        // a draw of another distribution with the same parameters is not this one's
        var other = Make(family, loc, scale);
        var foreign = other.RSample(new Generator(19, CPU));
        Assert.Null(d.OwnDrawLogProb(foreign));
        Assert.NotNull(other.OwnDrawLogProb(foreign));

        // a second draw makes the first stale
        var second = d.RSample(new Generator(20, CPU));
        Assert.Null(d.OwnDrawLogProb(first));
        Assert.NotNull(d.OwnDrawLogProb(second));
        AssertClose(Values(d.LogProb(second)), Values(d.OwnDrawLogProb(second)!), ValueTolerance, $"{family} second draw");
    }

    [Fact]
    public void ADrawWithoutAGradientPathIsNotEvaluatedAsAReparameterizedOne()
    {
        // Sample draws under no_grad: the value is a constant, so LogProb's derivative in the
        // parameters is the partial one, not the total derivative through the draw. The contract
        // ("own latest reparameterized draw"; "its total derivative equals LogProb's") then
        // requires null, or at least LogProb's gradient.
        using var scope = NewDisposeScope();
        var wrong = new List<string>();
        foreach (var family in FamilyNames)
        {
            var loc = Leaf(-0.7, 0.0, 0.4, 1.3);
            var scale = Leaf(0.3, 1.0, 1.7, 0.6);
            var d = Make(family, loc, scale);
            var v = d.Sample(new Generator(23, CPU), 3);
            Assert.False(v.requires_grad);
            if (d.OwnDrawLogProb(v) is { } own)
            {
                double expected = Gradients(d.LogProb(v), scale)[0][0], actual = Gradients(own, scale)[0][0];
                if (Math.Abs(expected - actual) > GradientTolerance * Math.Max(1, Math.Abs(expected)))
                {
                    wrong.Add($"{family}: ∂/∂scale[0] of LogProb {expected:G6}, of OwnDrawLogProb {actual:G6}");
                }
            }
        }

        Assert.True(wrong.Count == 0, "OwnDrawLogProb accepts Sample() draws with the reparameterized gradient:\n" + string.Join("\n", wrong));
    }
}
