using Ppl.Distributions;
using Ppl.Inference.Guides;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Guides;

[Collection("Sequential")]
public sealed class ValidationTests
{
    private static Tensor NoLatents(Tensor x)
    {
        using var data = Plate("data", x.shape[0]);
        return Sample("x", new Normal(0.0, 1.0), obs: x);
    }

    private static Tensor Discrete(Tensor x)
    {
        var k = Sample("k", new Poisson(3.0));
        using var data = Plate("data", x.shape[0]);
        return Sample("x", new Normal(k, 1.0), obs: x);
    }

    private static Tensor Subsampled(Tensor x)
    {
        using var data = Plate("data", 20, subsampleSize: 5);
        var z = Sample("z", new Normal(0.0, 1.0));
        return Sample("x", new Normal(z, 1.0), obs: data.Subsample(x));
    }

    private static void Run(AutoGuide<Tensor> guide, Tensor x)
    {
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        using (store.Activate())
        {
            guide.Guide(x);
        }
    }

    [Fact]
    public void ModelWithoutLatentsIsRejected()
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        using var x = zeros(3);
        using var guide = new AutoNormal<Tensor>(NoLatents);
        var e = Assert.Throws<InvalidOperationException>(() => Run(guide, x));
        Assert.Contains("no latent", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DiscreteLatentIsRejectedByName()
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        using var x = zeros(3);
        foreach (var guide in new AutoGuide<Tensor>[] { new AutoNormal<Tensor>(Discrete), new AutoDelta<Tensor>(Discrete), new AutoDiagonalNormal<Tensor>(Discrete) })
        {
            using (guide)
            {
                var e = Assert.Throws<NotSupportedException>(() => Run(guide, x));
                Assert.Contains("'k'", e.Message, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void JointGuidesRejectSubsampledPlates()
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        using var x = zeros(20);
        using var guide = new AutoMultivariateNormal<Tensor>(Subsampled);
        var e = Assert.Throws<NotSupportedException>(() => Run(guide, x));
        Assert.Contains("'z'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MedianWithoutAStoreExplains()
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        using var x = zeros(20);
        using var guide = new AutoNormal<Tensor>(Subsampled);
        Assert.Throws<InvalidOperationException>(() => guide.Median(x));
        Assert.Throws<ArgumentException>(() => guide.Quantiles(x, 1.5));
    }

    [Fact]
    public void GuideListRejectsOverlapsAndUnknownSites()
    {
        using var testScope = NewDisposeScope(); // frees every tensor the test makes, so none is left to the finalizer
        using var x = zeros(20);
        using var list = new AutoGuideList<Tensor>(Subsampled);
        list.Add(m => new AutoNormal<Tensor>(m), "z");
        Assert.Throws<ArgumentException>(() => list.Add(m => new AutoDelta<Tensor>(m), "z"));
        list.Add(m => new AutoDelta<Tensor>(m), "nope");
        Assert.Throws<InvalidOperationException>(() => Run(list, x));
    }
}
