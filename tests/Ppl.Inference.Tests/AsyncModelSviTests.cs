using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Optim;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference;

/// <summary>
/// A model whose likelihood is computed after an <c>await</c> (on a thread-pool thread) is fitted
/// exactly like its synchronous twin: the observed sites stay in the ELBO.
/// </summary>
[Collection("Sequential")]
public sealed class AsyncModelSviTests
{
    private const double PriorScale = 10.0;

    private static Tensor Data()
    {
        var gen = new Generator(11, CPU);
        return randn([50], dtype: float64, generator: gen).add(3.0);
    }

    private static Tensor Prior() => Sample("mu", new Normal(tensor(0.0, dtype: float64), PriorScale));

    private static Tensor Likelihood(Tensor mu, Tensor y)
    {
        using var data = Plate("data", y.shape[0]);
        return Sample("y", new Normal(mu, 1.0), obs: y);
    }

    private static Tensor SyncModel(Tensor y) => Likelihood(Prior(), y);

    private static async Task<Tensor> AsyncModelBody(Tensor y)
    {
        var mu = Prior();
        await Task.Yield();
        return Likelihood(mu, y);
    }

    private static Tensor AsyncModel(Tensor y) => AsyncModelBody(y).GetAwaiter().GetResult();

    private static Tensor Guide(Tensor y)
    {
        var loc = Param("loc", () => tensor(0.0, dtype: float64));
        var scale = Param("scale", () => tensor(1.0, dtype: float64), Constraints.Positive);
        return Sample("mu", new Normal(loc, scale));
    }

    private static (double[] Losses, double Loc) Fit(Func<Tensor, object?> model, Tensor y)
    {
        using var adam = new Adam(0.05);
        var svi = new Svi<Tensor>(model, Guide, adam, new TraceElbo(), seed: 5);
        var losses = svi.Fit(y, 300);
        return (losses, svi.ParamStore["loc"].item<double>());
    }

    [Fact]
    public void AnAsyncModelFitsLikeItsSynchronousTwin()
    {
        using var scope = NewDisposeScope();
        var y = Data();
        var (syncLosses, syncLoc) = Fit(SyncModel, y);
        var (asyncLosses, asyncLoc) = Fit(AsyncModel, y);

        Assert.Equal(syncLosses, asyncLosses);
        Assert.Equal(syncLoc, asyncLoc);

        // conjugate posterior mean: n ȳ / (n + 1/σ₀²); its sd is 0.14, Adam's jitter at lr 0.05 is below 0.1
        double n = y.shape[0];
        double exact = n * y.mean().item<double>() / (n + (1.0 / (PriorScale * PriorScale)));
        Assert.InRange(asyncLoc, exact - 0.15, exact + 0.15);
    }
}
