using Ppl.Distributions;
using Ppl.Handlers;
using static Ppl.Primitives;
using static Ppl.Testing.F64;
using static TorchSharp.torch;
using NormalDist = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests;

/// <summary>
/// Pyro's <c>Trace.compute_log_prob(site_filter)</c>: per sample site the log-density of its value
/// (unscaled, and with its scale and mask applied) and its sum, computed once and kept.
/// </summary>
[Collection("Sequential")]
public sealed class TraceLogProbTests
{
    private static readonly double[] Ys = [1.0, 2.0, 3.0];

    // a ~ N(0, 1) observed at 0.5; y_i ~ N(a, 2) observed at 1, 2, 3 in a plate with y_1 masked out; everything scaled by 3
    private static Trace ObservedTrace()
    {
        Func<bool, Tensor> model = _ =>
        {
            var a = Sample("a", Normal64(0, 1), obs: T(0.5));
            using var plate = Plate("data", 3);
            using (new MaskMessenger(tensor(new[] { true, false, true })).Install())
            {
                return Sample("y", new Normal(a, 2.0), obs: T(Ys));
            }
        };

        return model.Scale(3.0).GetTrace(false);
    }

    [Theory]
    [InlineData("scalar, scalar, vector")]
    [InlineData("vector, scalar, scalar")]
    [InlineData("scalar")]
    [InlineData("scalar, scalar")]
    public void LogProbSumAddsScalarAndVectorSitesInAnyOrderAndNeverReturnsASiteOwnTensor(string layout)
    {
        // the sum skips the sum op of a 0-dim log-density; the result must still be a tensor of its own
        using var scope = NewDisposeScope();
        var kinds = layout.Split(", ");
        double[] values = [0.3, -1.2, 2.5];
        Func<bool, Tensor?> model = _ =>
        {
            Tensor? last = null;
            for (int i = 0; i < kinds.Length; i++)
            {
                last = kinds[i] == "scalar"
                    ? Sample($"s{i}", Normal64(i, 2), obs: T(values[i]))
                    : Sample($"s{i}", new Normal(T(new[] { 0.0, 1.0, 2.0 }), 0.5).ToEvent(1), obs: T(values));
            }

            return last;
        };

        var trace = model.GetTrace(false);
        double expected = kinds.Select((k, i) => k == "scalar" ? NormalDist.PDFLn(i, 2, values[i]) : values.Select((v, j) => NormalDist.PDFLn(j, 0.5, v)).Sum()).Sum();
        var sum = trace.LogProbSum();
        Assert.Equal(expected, D(sum), 12);
        sum.Dispose();
        Assert.Equal(expected, D(trace.LogProbSum()), 12); // the sites' own log-densities outlived the disposed sum
    }

    [Fact]
    public void PerSiteLogProbHasTheBatchShapeWithScaleAndMaskApplied()
    {
        using var scope = NewDisposeScope();
        var trace = ObservedTrace();
        trace.ComputeLogProb();

        var a = trace.LogProbOf("a");
        Assert.Empty(a.LogProb.shape);
        Assert.Equal(NormalDist.PDFLn(0, 1, 0.5), D(a.UnscaledLogProb), 12);
        Assert.Equal(3 * NormalDist.PDFLn(0, 1, 0.5), D(a.LogProb), 12);
        Assert.Equal(3 * NormalDist.PDFLn(0, 1, 0.5), D(a.LogProbSum), 12);

        var y = trace.LogProbOf("y");
        Assert.Equal([3L], y.LogProb.shape);
        double[] unscaled = Ys.Select(v => NormalDist.PDFLn(0.5, 2, v)).ToArray();
        double[] scaled = [3 * unscaled[0], 0, 3 * unscaled[2]];
        AssertClose(unscaled, Values(y.UnscaledLogProb), 1e-12);
        AssertClose(scaled, Values(y.LogProb), 1e-12);
        Assert.Equal(scaled.Sum(), D(y.LogProbSum), 12);

        // the per-site sums add up to the trace's log joint
        Assert.Equal(D(trace.LogProbSum()), D(a.LogProbSum) + D(y.LogProbSum), 12);
    }

    [Fact]
    public void ComputedOnceAndKept()
    {
        using var scope = NewDisposeScope();
        var trace = ObservedTrace();
        trace.ComputeLogProb();
        var first = trace.LogProbOf("y");
        trace.ComputeLogProb();
        Assert.Same(first, trace.LogProbOf("y"));
        Assert.Same(first, trace.LogProbs["y"]);
    }

    [Fact]
    public void SiteFilterChoosesTheSites()
    {
        using var scope = NewDisposeScope();
        var trace = ObservedTrace();
        trace.ComputeLogProb(site => site.Name == "y");
        Assert.Equal(["y"], trace.LogProbs.Keys);

        // asking for another site computes it then
        Assert.Equal(3 * NormalDist.PDFLn(0, 1, 0.5), D(trace.LogProbOf("a").LogProb), 12);
        Assert.Equal(["a", "y"], trace.LogProbs.Keys.Order());
    }

    [Fact]
    public void OnlySampleSitesHaveALogProb()
    {
        using var scope = NewDisposeScope();
        Func<bool, Tensor> model = _ => Deterministic("d", Param("w", T(1.0)).mul(2));
        var trace = model.GetTrace(false);
        trace.ComputeLogProb();
        Assert.Empty(trace.LogProbs);
        Assert.Contains("'d'", Assert.Throws<InvalidOperationException>(() => trace.LogProbOf("d")).Message);
        Assert.Throws<KeyNotFoundException>(() => trace.LogProbOf("nope"));
    }

    // ports pyro tests/poutine/test_poutines.py::test_trace_log_prob_err_msg
    [Fact]
    public void TestTraceLogProbErrMsg()
    {
        using var scope = NewDisposeScope();
        var trace = BetaOutsideItsSupport();
        var e = Assert.Throws<ModelExecutionException>(() => trace.ComputeLogProb());
        Assert.Contains("site 'test_site'", e.Message);
        Assert.Contains("Trace shapes:", e.Message);
    }

    // ports pyro tests/poutine/test_poutines.py::test_trace_log_prob_sum_err_msg
    [Fact]
    public void TestTraceLogProbSumErrMsg()
    {
        using var scope = NewDisposeScope();
        var trace = BetaOutsideItsSupport();
        var e = Assert.Throws<ModelExecutionException>(() => trace.LogProbSum());
        Assert.Contains("site 'test_site'", e.Message);
        Assert.Contains("Trace shapes:", e.Message);
    }

    private static Trace BetaOutsideItsSupport()
    {
        Func<Tensor, Tensor> model = v => Sample("test_site", new Beta(T(1.0), T(1.0)), obs: v);
        return model.GetTrace(T(2.0));
    }
}
