using MyModels;
using Ppl.Inference;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Docs;

/// <summary>
/// The "Batched products" example in docs/effect-handlers.md is the compiled file
/// BatchedRegression.cs word for word, and it does what the page says: its model runs vectorized.
/// </summary>
[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class BatchedProductsDocTests
{
    [Fact]
    public void TheDocsExampleIsTheCompiledFile() =>
        Assert.Equal(DocSnippet.CompiledFile("BatchedRegression.cs"), DocSnippet.FirstBlockAfter("effect-handlers.md", "## Batched products"));

    [Fact]
    public void PriorPredictiveDrawsHaveTheClosedFormMoments()
    {
        using var scope = NewDisposeScope();
        using var g = new Generator(4);
        var x = randn([5, 3], generator: g);
        var draws = BatchedRegression.PriorPredictive(x).to(float64);
        Assert.Equal(new long[] { 1000, 5 }, draws.shape);

        // y_n = x_n·w + b + 0.5 ε with w ~ N(0, I), b, ε ~ N(0, 1): mean 0, variance |x_n|² + 1 + 0.25
        var xs = x.to(float64);
        var variance = xs.square().sum(-1).add(1.25).data<double>().ToArray();
        var mean = draws.mean([0L]).data<double>().ToArray();
        var sampleVariance = draws.var(0).data<double>().ToArray();
        for (int n = 0; n < 5; n++)
        {
            // 5 standard errors: of the mean √(v/1000), of the sample variance v·√(2/999)
            Assert.InRange(mean[n], -5 * Math.Sqrt(variance[n] / 1000), 5 * Math.Sqrt(variance[n] / 1000));
            Assert.InRange(sampleVariance[n], variance[n] * (1 - (5 * Math.Sqrt(2.0 / 999))), variance[n] * (1 + (5 * Math.Sqrt(2.0 / 999))));
        }
    }

    [Fact]
    public void TheModelRunsWithVectorizedParticles()
    {
        static Tensor Guide((Tensor X, Tensor? Y) data)
        {
            Sample("b", new Ppl.Distributions.Normal(0.0, 0.5));
            return Sample("w", new Ppl.Distributions.Normal(zeros(data.X.shape[1]), 0.5).ToEvent(1));
        }

        using var scope = NewDisposeScope();
        var x = randn(20, 3);
        var elbo = new TraceElbo { NumParticles = 8, VectorizeParticles = true };
        double loss = elbo.Loss(BatchedRegression.Model, Guide, (x, x.sum(-1)));
        Assert.True(double.IsFinite(loss));
        Assert.True(elbo.LastRunVectorized);
    }
}
