using Ppl.Distributions;
using Ppl.Handlers;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Effects;

[Collection("Sequential")]
public sealed class LeakTests
{
    private static Tensor Model(Tensor data)
    {
        var loc = Param("loc", () => zeros(3, dtype: float64));
        var scale = Param("scale", () => ones(3, dtype: float64), Constraints.Positive);
        var z = Sample("z", new Normal(loc, scale).ToEvent(1));
        using (var plate = Plate("data", data.shape[0], subsampleSize: 4))
        {
            var batch = plate.Subsample(data, eventDim: 1);
            Sample("obs", new Normal(z, 1.0).ToEvent(1), obs: batch);
        }

        return z;
    }

    [Fact]
    public void TracingAThousandTimesInScopesKeepsLiveTensorCountsFlat()
    {
        using var store = new ParamStore();
        using var data = randn(10, 3, dtype: float64);
        var conditionData = new Dictionary<string, Tensor>();

        void RunOnce()
        {
            using var scope = NewDisposeScope();
            using (store.Activate())
            using (new SeedMessenger(7).Install())
            {
                var tracer = new TraceMessenger();
                using (tracer.Install())
                {
                    Model(data);
                }

                tracer.Trace.LogProbSum().backward();
            }
        }

        for (int i = 0; i < 20; i++)
        {
            RunOnce(); // warm-up: creates the parameters once
        }

        long totalBefore = LiveTensors.Count();
        long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 1000; i++)
        {
            RunOnce();
        }

        Assert.Equal(totalBefore, LiveTensors.Count());
        Assert.Equal(liveBefore, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        Assert.Equal(2, store.Count);
    }
}
