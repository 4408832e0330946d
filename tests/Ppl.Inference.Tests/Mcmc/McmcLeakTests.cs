using Ppl.Inference.Mcmc;
using static Ppl.Testing.ConjugateModels.FourFamilies;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Mcmc;

/// <summary>A run leaves no native tensor behind but its result, which frees its own on dispose.</summary>
[Collection("Sequential")]
public sealed class McmcLeakTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ARunLeavesNoTensorBehind(bool vectorized)
    {
        using var counts = tensor(Counts);
        var options = new McmcOptions { Warmup = 150, Samples = 150, Chains = 2, Seed = 4, Vectorized = vectorized };
        LiveTensors.AssertNoLeak(() =>
        {
            using var result = new Mcmc<Tensor>(GammaModel, options).Run(counts);
            Assert.Equal([2L, 150L], result.Samples["rate"].shape);
        }, repeats: 2);
    }
}
