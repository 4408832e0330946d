using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Inference;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Enumeration;

/// <summary>
/// <see cref="TraceEnumElbo"/> with guide sites enumerated sequentially (one run per combination of
/// values): against the same guide enumerated in parallel, against brute force when a second site's q
/// depends on the first (which parallel guide enumeration refuses), together with model-side enumeration,
/// with several particles, and the refusals.
/// </summary>
public sealed class SequentialEnumerationTests
{
    private static readonly InferConfig Sequential = InferConfig.Default with { Enumerate = EnumerateMode.Sequential };
    private static readonly InferConfig Parallel = InferConfig.Default with { Enumerate = EnumerateMode.Parallel };

    [Fact]
    public void OneRunPerValueGivesTheParallelEstimateAndGradients()
    {
        using var scope = NewDisposeScope();
        var locs = tensor(new[] { -1.0, 0.5, 2.0 }).requires_grad_(true);
        var logits = tensor(new[] { 0.3, -0.2, 0.5 }).requires_grad_(true);

        object? Model(Tensor x)
        {
            var y = Sample("y", Categorical.FromProbs(tensor(new[] { 0.2, 0.3, 0.5 })));
            return Sample("x", new Normal(locs.index(y), tensor(1.0)), obs: x);
        }

        Func<Tensor, object?> Guide(InferConfig mode) => _ => Sample("y", Categorical.FromLogits(logits), infer: mode);

        var sequential = new TraceEnumElbo().Estimate(Model, Guide(Sequential), tensor(0.7));
        Assert.Equal(3, sequential.Runs.Count);
        var sequentialGrads = autograd.grad([sequential.Surrogate], [locs, logits]);
        var parallel = new TraceEnumElbo().DifferentiableLoss(Model, Guide(Parallel), tensor(0.7));
        var parallelGrads = autograd.grad([parallel], [locs, logits]);

        Assert.Equal(parallel.item<double>(), sequential.Loss.item<double>(), 10);
        for (int i = 0; i < 2; i++)
        {
            Assert.True(sequentialGrads[i].sub(parallelGrads[i]).abs().max().item<double>() < 1e-10, $"gradient {i}: {sequentialGrads[i].str()} vs {parallelGrads[i].str()}");
        }

        double averaged = new TraceEnumElbo { NumParticles = 3 }.Loss(Model, Guide(Sequential), tensor(0.7));
        Assert.Equal(parallel.item<double>(), averaged, 10);
    }

    [Fact]
    public void ASecondSiteWhoseQDependsOnTheFirstMatchesBruteForce()
    {
        using var scope = NewDisposeScope();
        double[] p1 = [0.4, 0.6];
        double[,] p2 = { { 0.5, 0.3, 0.2 }, { 0.1, 0.2, 0.7 } };
        double[,] locs = { { -2, -1, 0 }, { 0, 1, 2 } };
        double[] q1 = [0.7, 0.3];
        double[,] q2 = { { 0.6, 0.3, 0.1 }, { 0.2, 0.2, 0.6 } };
        const double x = 0.8;

        object? Model(int unused)
        {
            var a = Sample("a", Categorical.FromProbs(tensor(p1)));
            var b = Sample("b", Categorical.FromProbs(tensor(p2).index(a)));
            return Sample("x", new Normal(tensor(locs).flatten().index(a.mul(3).add(b)), tensor(1.0)), obs: tensor(x));
        }

        object? Guide(int unused)
        {
            var a = Sample("a", Categorical.FromProbs(tensor(q1)), infer: Sequential);
            return Sample("b", Categorical.FromProbs(tensor(q2).index(a)), infer: Sequential);
        }

        var estimate = new TraceEnumElbo().Estimate<int>(Model, Guide, 0);
        Assert.Equal(6, estimate.Runs.Count);

        double elbo = 0;
        for (int a = 0; a < 2; a++)
        {
            for (int b = 0; b < 3; b++)
            {
                double q = q1[a] * q2[a, b];
                double logJoint = Math.Log(p1[a]) + Math.Log(p2[a, b]) + MathNet.Numerics.Distributions.Normal.PDFLn(locs[a, b], 1.0, x);
                elbo += q * (logJoint - Math.Log(q));
            }
        }

        Assert.Equal(-elbo, estimate.Loss.item<double>(), 10);
    }

    [Fact]
    public void SequentialGuideSitesCombineWithModelEnumeration()
    {
        using var scope = NewDisposeScope();
        double[] py = [0.6, 0.4];
        double[,] pw = { { 0.7, 0.2, 0.1 }, { 0.1, 0.3, 0.6 } };
        double[] locs = [-2.0, 0.0, 2.0];
        double[] qy = [0.35, 0.65];
        const double x = 1.1;

        object? Model(int unused)
        {
            var y = Sample("y", Categorical.FromProbs(tensor(py)));
            var w = Sample("w", Categorical.FromProbs(tensor(pw).index(y)), infer: Parallel);
            return Sample("x", new Normal(tensor(locs).index(w), tensor(1.0)), obs: tensor(x));
        }

        object? Guide(int unused) => Sample("y", Categorical.FromProbs(tensor(qy)), infer: Sequential);

        double loss = new TraceEnumElbo().Loss<int>(Model, Guide, 0);
        double elbo = Enumerable.Range(0, 2).Sum(y =>
            qy[y] * (Math.Log(py[y]) - Math.Log(qy[y]) + Math.Log(Enumerable.Range(0, 3).Sum(w => pw[y, w] * Math.Exp(MathNet.Numerics.Distributions.Normal.PDFLn(locs[w], 1.0, x))))));
        Assert.Equal(-elbo, loss, 10);
    }

    [Fact]
    public void BatchedSequentialSitesAndSequentialModelSitesAreRefused()
    {
        using var scope = NewDisposeScope();
        object? Model(Tensor data)
        {
            using var plate = Plate("data", data.shape[0]);
            var y = Sample("y", Categorical.FromProbs(tensor(new[] { 0.5, 0.5 })));
            return Sample("x", new Normal(y.to_type(ScalarType.Float64), tensor(1.0)), obs: data);
        }

        object? Guide(Tensor data)
        {
            using var plate = Plate("data", data.shape[0]);
            return Sample("y", Categorical.FromProbs(tensor(new[] { 0.5, 0.5 })), infer: Sequential);
        }

        var batched = Assert.Throws<ModelExecutionException>(() => new TraceEnumElbo().Loss<Tensor>(Model, Guide, zeros(4, float64)));
        Assert.IsType<NotSupportedException>(batched.InnerException);
        Assert.Contains("'y'", batched.InnerException.Message, StringComparison.Ordinal);

        object? SequentialModel(int unused) => Sample("z", Categorical.FromProbs(tensor(new[] { 0.5, 0.5 })), infer: Sequential);
        var model = Assert.Throws<ModelExecutionException>(() => new TraceEnumElbo().Loss<int>(SequentialModel, _ => null, 0));
        Assert.IsType<NotSupportedException>(model.InnerException);
        Assert.Contains("'z'", model.InnerException.Message, StringComparison.Ordinal);
    }
}
