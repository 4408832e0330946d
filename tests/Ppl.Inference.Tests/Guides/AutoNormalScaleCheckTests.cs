using Ppl.Distributions;
using Ppl.Inference.Guides;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Guides;

/// <summary>AutoNormal's one-check-per-group draw rejects an infinite scale as each site's own check would.</summary>
[Collection("Sequential")]
public sealed class AutoNormalScaleCheckTests
{
    private static Tensor Model(int unused)
    {
        Sample("a", new Normal(tensor(0.0f), 1.0));
        return Sample("b", new Normal(tensor(0.0f), 1.0));
    }

    [Fact]
    public void AnInfiniteScaleIsRejected()
    {
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        using var guide = new AutoNormal<int>(Model) { ParamStore = store };
        using (store.Activate())
        {
            guide.Guide(0); // creates the parameters
            using (no_grad())
            {
                // exp(200) overflows float32: the constrained scale is +∞
                store.GetUnconstrained($"{guide.Prefix}.scales.b").fill_(200.0f);
            }

            var e = Assert.Throws<ArgumentException>(() => guide.Guide(0));
            Assert.Contains("scale", e.Message, StringComparison.Ordinal);
        }
    }
}
