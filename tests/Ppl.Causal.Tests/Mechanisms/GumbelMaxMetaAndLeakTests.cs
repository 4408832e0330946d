using Ppl.Causal;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Mechanisms;

[Collection("Sequential")]
public sealed class GumbelMaxMetaAndLeakTests
{
    [Fact]
    public void MechanismsRunOnTheMetaDevice()
    {
        var meta = device("meta");
        var logits = zeros([4, 3], dtype: float32, device: meta);
        var observed = zeros([2, 4], dtype: int64, device: meta);
        var noise = GumbelMax.SamplePosterior(logits, observed, [5]);
        Assert.Equal(new long[] { 5, 2, 4, 3 }, noise.shape);
        Assert.Equal(DeviceType.META, noise.device.type);
        Assert.Equal(new long[] { 5, 2, 4 }, GumbelMax.Counterfactual(logits, observed, logits.add(1), [5]).shape);
        Assert.Equal(new long[] { 5, 2, 4 }, GumbelMax.PosteriorLogProb(logits, observed, noise).shape);
        Assert.Equal(new long[] { 5, 4, 3 }, GumbelMax.SamplePrior(logits, [5]).shape);
        Assert.Equal(new long[] { 7, 2, 4, 3 }, new GumbelMaxPosterior(logits, observed).Sample(7).shape);

        var logit = zeros([4], dtype: float64, device: meta);
        var bit = zeros([3, 4], dtype: float64, device: meta);
        Assert.Equal(new long[] { 5, 3, 4 }, GumbelMaxBernoulli.SamplePosterior(logit, bit, [5]).shape);
        Assert.Equal(new long[] { 5, 3, 4 }, GumbelMaxBernoulli.Counterfactual(logit, bit, logit.add(1), [5]).shape);
        Assert.Equal(new long[] { 3, 4 }, GumbelMaxBernoulli.PosteriorLogProb(logit, bit, zeros([3, 4], dtype: float64, device: meta)).shape);
    }

    [Fact]
    public void RepeatedQueriesLeaveNoLiveTensors()
    {
        var logits = tensor(new[] { 0.3, -1.0, 2.0, double.NegativeInfinity }).reshape(2, 2);
        var observed = tensor(new long[] { 1, 0 });
        var logit = tensor(new[] { 0.5, -2.0 });
        var bit = tensor(new[] { 1.0, 0.0 });
        void Exercise()
        {
            using var scope = NewDisposeScope();
            _ = GumbelMax.Counterfactual(logits, observed, logits.flip(-1).nan_to_num(neginf: -5), [10]);
            var noise = new GumbelMaxPosterior(logits, observed).Sample(10);
            _ = GumbelMax.PosteriorLogProb(logits, observed, noise);
            _ = GumbelMaxBernoulli.Counterfactual(logit, bit, logit.neg(), [10]);
            _ = GumbelMaxBernoulli.PosteriorLogProb(logit, bit, GumbelMaxBernoulli.SamplePosterior(logit, bit, [10]));
        }

        LiveTensors.AssertNoLeak(Exercise, repeats: 20, checkScopeStatistics: true);

        // the functions do not leave intermediates behind outside a scope either: only the result lives on
        long outside = LiveTensors.Count();
        var kept = GumbelMax.SamplePosterior(logits, observed, [3]);
        Assert.Equal(outside + 1, LiveTensors.Count());
        kept.Dispose();
    }
}
