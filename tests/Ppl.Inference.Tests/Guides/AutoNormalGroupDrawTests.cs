using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Guides;

/// <summary>
/// AutoNormal draws same-shaped, real, plate-free sites in one call; each site must still be
/// recorded by name with its own Normal(loc, scale) and a value distributed as that Normal.
/// </summary>
[Collection("Sequential")]
public sealed class AutoNormalGroupDrawTests
{
    private const int Sites = 8;

    private static object? Model(Tensor data)
    {
        for (int i = 0; i < Sites; i++)
        {
            var z = Sample($"z{i}", new Normal(zeros([], float64, data.device), 1.0));
            Sample($"x{i}", new Normal(z, 1.0), obs: data[i]);
        }

        return null;
    }

    private static double Loc(int i) => (0.5 * i) - 1.0;

    private static double Scale(int i) => 0.2 + (0.15 * i);

    /// <summary>A guide whose locations and scales are set to (Loc(i), Scale(i)).</summary>
    private static (AutoNormal<Tensor> Guide, ParamStore Store) MakeGuide(Tensor data)
    {
        var guide = new AutoNormal<Tensor>(Model);
        var store = new ParamStore();
        using (store.Activate())
        {
            guide.Guide(data);
        }

        using (no_grad())
        {
            for (int i = 0; i < Sites; i++)
            {
                store.GetUnconstrained($"AutoNormal.locs.z{i}").fill_(Loc(i));
                store.GetUnconstrained($"AutoNormal.scales.z{i}").fill_(Math.Log(Scale(i)));
            }
        }

        return (guide, store);
    }

    [Fact]
    public void EachSiteIsRecordedWithItsOwnNormalAndDrawsFromIt()
    {
        using var scope = NewDisposeScope();
        manual_seed(3);
        var data = zeros(Sites, float64);
        var (guide, store) = MakeGuide(data);
        using var _ = guide;
        using var __ = store;
        const int Draws = 2000;
        var sums = new double[Sites];
        var squares = new double[Sites];
        for (int n = 0; n < Draws; n++)
        {
            using var step = NewDisposeScope();
            Trace trace;
            using (store.Activate())
            {
                trace = Poutine.GetTrace<Tensor, IReadOnlyDictionary<string, Tensor>>(guide.Guide, data);
            }

            for (int i = 0; i < Sites; i++)
            {
                var site = trace[$"z{i}"];
                var normal = Assert.IsType<Normal>(site.Distribution);
                Assert.Equal(Loc(i), normal.Loc.item<double>(), 12);
                Assert.Equal(Scale(i), normal.Scale.item<double>(), 12);
                Assert.Empty(site.Value!.shape);
                double v = site.Value.item<double>();
                sums[i] += v;
                squares[i] += v * v;
            }
        }

        for (int i = 0; i < Sites; i++)
        {
            double mean = sums[i] / Draws;
            double variance = (squares[i] / Draws) - (mean * mean);
            // 5 standard errors: of the mean σ/√n, of the variance σ²·√(2/(n−1))
            Assert.InRange(mean, Loc(i) - (5 * Scale(i) / Math.Sqrt(Draws)), Loc(i) + (5 * Scale(i) / Math.Sqrt(Draws)));
            double s2 = Scale(i) * Scale(i);
            Assert.InRange(variance, s2 * (1 - (5 * Math.Sqrt(2.0 / (Draws - 1)))), s2 * (1 + (5 * Math.Sqrt(2.0 / (Draws - 1)))));
        }
    }

    [Fact]
    public void AReplayedGuideReturnsTheReplayedValues()
    {
        using var scope = NewDisposeScope();
        var data = zeros(Sites, float64);
        var (guide, store) = MakeGuide(data);
        using var _ = guide;
        using var __ = store;
        using (store.Activate())
        {
            var first = Poutine.GetTrace<Tensor, IReadOnlyDictionary<string, Tensor>>(guide.Guide, data);
            var replayed = Poutine.GetTrace(((Func<Tensor, IReadOnlyDictionary<string, Tensor>>)guide.Guide).Replay(first), data);
            for (int i = 0; i < Sites; i++)
            {
                Assert.Equal(first[$"z{i}"].Value!.item<double>(), replayed[$"z{i}"].Value!.item<double>());
            }
        }
    }

    [Fact]
    public void AZeroScaleFailsTheScaleCheck()
    {
        using var scope = NewDisposeScope();
        var data = zeros(Sites, float64);
        var (guide, store) = MakeGuide(data);
        using var _ = guide;
        using var __ = store;
        using (no_grad())
        {
            store.GetUnconstrained("AutoNormal.scales.z5").fill_(-1e4); // exp underflows to 0
        }

        using (store.Activate())
        {
            var e = Assert.Throws<ArgumentException>(() => guide.Guide(data));
            Assert.Contains("'scale'", e.Message, StringComparison.Ordinal);
            Assert.Contains("must be positive", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AnSviStepOfManyScalarSitesRunsOnTheMetaDevice()
    {
        using var scope = NewDisposeScope();
        var data = zeros(Sites, float64, device("meta"));
        using var guide = new AutoNormal<Tensor>(Model);
        using var opt = new Adam(0.01);
        var svi = new Svi<Tensor>(Model, guide.Guide, opt, new TraceElbo());
        Assert.True(double.IsNaN(svi.Step(data)));
        Assert.Equal(2 * Sites, svi.ParamStore.Count);
        Assert.All(svi.ParamStore.Parameters, p => Assert.Equal(DeviceType.META, p.device.type));
        svi.ParamStore.Dispose();
    }
}
