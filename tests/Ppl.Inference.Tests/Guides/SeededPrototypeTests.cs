using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Guides;

/// <summary>
/// A seeded SVI run repeats exactly whatever the global generator does, including the autoguides
/// whose default initialization (the median of prior draws) draws during the prototype run.
/// </summary>
[Collection("Sequential")]
public sealed class SeededPrototypeTests
{
    private static Tensor Model(Tensor y)
    {
        var mu = Sample("mu", new Normal(tensor(0.0), 2.0));
        var sigma = Sample("sigma", new LogNormal(tensor(0.0), 1.0));
        using var data = Plate("data", y.shape[0]);
        return Sample("y", new Normal(mu, sigma), obs: y);
    }

    public static TheoryData<string> Guides => ["AutoDelta", "AutoDiagonalNormal", "AutoMultivariateNormal", "AutoLowRankMultivariateNormal"];

    private static AutoGuide<Tensor> Make(string name) => name switch
    {
        "AutoDelta" => new AutoDelta<Tensor>(Model),
        "AutoDiagonalNormal" => new AutoDiagonalNormal<Tensor>(Model),
        "AutoMultivariateNormal" => new AutoMultivariateNormal<Tensor>(Model),
        _ => new AutoLowRankMultivariateNormal<Tensor>(Model, rank: 1),
    };

    private static double[] Fit(string guideName, long globalSeed)
    {
        manual_seed(globalSeed); // the global generator must not matter
        using var scope = NewDisposeScope();
        using var guide = Make(guideName);
        using var adam = new Adam(0.02);
        var svi = new Svi<Tensor>(Model, y => guide.Guide(y), adam, new TraceElbo(), seed: 17);
        return svi.Fit(tensor(new[] { 0.3, 1.1, -0.4, 2.0, 0.9 }), 5);
    }

    [Theory]
    [MemberData(nameof(Guides))]
    public void TheSameSeedRepeatsWhateverTheGlobalGenerator(string guide)
    {
        var first = Fit(guide, globalSeed: 1);
        var second = Fit(guide, globalSeed: 2);
        Assert.Equal(first, second);
    }

    [Fact]
    public void TheMedianInitDrawsFromTheSeed()
    {
        static double InitialMu(long globalSeed)
        {
            manual_seed(globalSeed);
            using var scope = NewDisposeScope();
            using var guide = new AutoDelta<Tensor>(Model);
            using var store = new Ppl.Params.ParamStore();
            guide.ParamStore = store;
            Func<Tensor, IReadOnlyDictionary<string, Tensor>> run = guide.Guide;
            using (store.Activate())
            {
                var trace = run.Seed(5).GetTrace(tensor(new[] { 0.3 }));
                return trace["mu"].Value!.item<double>();
            }
        }

        Assert.Equal(InitialMu(1), InitialMu(2));
    }
}
