using Ppl.Distributions;
using Ppl.Handlers;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Effects;

/// <summary>
/// The meta device computes shapes only and throws on any value read or device mix, so a model
/// that traces here creates no tensor on a fixed device and reads no value on the hot path.
/// </summary>
[Collection("Sequential")]
public sealed class MetaDeviceTests
{
    private static readonly Device Meta = device("meta");

    [Fact]
    public void ModelWithPlatesParamsAndConditioningTracesOnMeta()
    {
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        var data = zeros(new long[] { 6, 2 }, device: Meta);
        var labels = zeros(new long[] { 6 }, device: Meta);

        Tensor Model(bool _)
        {
            var w = Param("w", () => zeros(2, device: Meta));
            var s = Param("s", () => ones(1, device: Meta), Constraints.Positive);
            var prior = Sample("prior", new Normal(zeros(2, device: Meta), 1.0).ToEvent(1));
            using (Plate("groups", 3, dim: -2, device: Meta))
            using (var rows = Plate("rows", 6, subsampleSize: 2, device: Meta))
            {
                var u = Sample("u", new Normal(zeros(1, device: Meta), s));
                var x = rows.Subsample(data, eventDim: 1);
                var logits = x.CheckedMatMul(w.add(prior)).add(u);
                Sample("y", Bernoulli.FromLogits(logits), obs: rows.Subsample(labels));
                Sample("k", Categorical.FromLogits(zeros(4, device: Meta)));
                Factor("f", logits);
                Deterministic("d", logits.exp());
            }

            return w;
        }

        Func<bool, Tensor> model = Model;
        Trace trace;
        using (store.Activate())
        using (new SeedMessenger(3).Install())
        {
            trace = model.Condition(new Dictionary<string, Tensor> { ["prior"] = zeros(2, device: Meta) }).GetTrace(false);
        }

        var lp = trace.LogProbSum();
        Assert.Equal(DeviceType.META, lp.device.type);
        Assert.Empty(lp.shape);
        Assert.Equal(new long[] { 3, 2 }, trace["u"].Distribution!.BatchShape);
        Assert.Equal(new long[] { 3, 2 }, trace["y"].Distribution!.BatchShape);
        Assert.Equal(new long[] { 2 }, trace["y"].Value!.shape);
        Assert.Equal(new long[] { 3, 2 }, trace["k"].Value!.shape);
        Assert.True(trace["prior"].IsObserved);
        Assert.All(trace.Nodes.Where(s => s.Value is not null), s => Assert.Equal(DeviceType.META, s.Value!.device.type));
    }

    [Fact]
    public void MixingMetaWithCpuThrowsSoTheTestAboveIsMeaningful()
    {
        using var scope = NewDisposeScope();
        Assert.ThrowsAny<Exception>(() => zeros(2, device: Meta).add(ones(2)));
        Assert.ThrowsAny<Exception>(() => zeros(2, device: Meta).sum().item<float>());
    }
}
