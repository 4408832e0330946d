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
/// recorded by name with its own Normal(loc, scale) and a value distributed as that Normal. The
/// group's rows reach the sites through their own default draws, so a handler that changes how a
/// site draws (a seed, a plate) gets the per-site draws it gets with fast paths off, without the
/// guide asking which handlers are installed.
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

    private static Trace GuideTrace(AutoNormal<Tensor> guide, ParamStore store, Tensor data, Func<Tensor, object?>? wrap = null)
    {
        using (store.Activate())
        {
            Func<Tensor, object?> run = wrap ?? (d => guide.Guide(d));
            return Poutine.GetTrace(run, data);
        }
    }

    [Fact]
    public void TheGroupIsOneStandardDrawAndItsSitesRecordNoNoise()
    {
        using var scope = NewDisposeScope();
        using var paths = FastPaths.Enable();
        var data = zeros(Sites, float64);
        var (guide, store) = MakeGuide(data);
        using var _ = guide;
        using var __ = store;
        manual_seed(7);
        var trace = GuideTrace(guide, store, data);
        manual_seed(7);
        var locs = tensor(Enumerable.Range(0, Sites).Select(Loc).ToArray(), dtype: float64);
        var scales = tensor(Enumerable.Range(0, Sites).Select(i => Math.Log(Scale(i))).ToArray(), dtype: float64).exp(); // as the store constrains them
        var expected = locs.addcmul(randn(Sites, dtype: float64), scales, 1.0).data<double>().ToArray();
        for (int i = 0; i < Sites; i++)
        {
            Assert.Equal(expected[i], trace[$"z{i}"].Value!.item<double>());
            Assert.Null(trace[$"z{i}"].DrawNoise); // a row is not the site's own draw: log q is its LogProb
        }
    }

    [Fact]
    public void UnderASeedTheSitesDrawAsWithFastPathsOff()
    {
        using var scope = NewDisposeScope();
        var data = zeros(Sites, float64);
        var (guide, store) = MakeGuide(data);
        using var _ = guide;
        using var __ = store;
        object? Seeded(Tensor d)
        {
            using (new Ppl.Handlers.SeedMessenger(11).Install())
            {
                return guide.Guide(d);
            }
        }

        Trace fast;
        using (FastPaths.Enable())
        {
            fast = GuideTrace(guide, store, data, Seeded);
        }

        Trace plain;
        using (FastPaths.Disable())
        {
            plain = GuideTrace(guide, store, data, Seeded);
        }

        for (int i = 0; i < Sites; i++)
        {
            Assert.Equal(plain[$"z{i}"].Value!.item<double>(), fast[$"z{i}"].Value!.item<double>());
            Assert.NotNull(fast[$"z{i}"].DrawNoise);
        }
    }

    [Fact]
    public void InsideAnOuterPlateTheSitesDrawAsWithFastPathsOff()
    {
        // a plate around the guide (vectorized particles) expands each site's distribution: the
        // group's 0-dim rows would have the wrong shape, so each site draws itself
        using var scope = NewDisposeScope();
        var data = zeros(Sites, float64);
        var (guide, store) = MakeGuide(data);
        using var _ = guide;
        using var __ = store;
        object? InPlate(Tensor d)
        {
            using (Plate("particles", 3, dim: -1))
            {
                return guide.Guide(d);
            }
        }

        manual_seed(13);
        Trace fast;
        using (FastPaths.Enable())
        {
            fast = GuideTrace(guide, store, data, InPlate);
        }

        manual_seed(13);
        Trace plain;
        using (FastPaths.Disable())
        {
            plain = GuideTrace(guide, store, data, InPlate);
        }

        for (int i = 0; i < Sites; i++)
        {
            Assert.Equal([3L], fast[$"z{i}"].Value!.shape);
            Assert.Equal(plain[$"z{i}"].Value!.data<double>().ToArray(), fast[$"z{i}"].Value!.data<double>().ToArray());
        }
    }
}
