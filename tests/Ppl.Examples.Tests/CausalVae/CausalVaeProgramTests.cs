using Ppl.Causal;
using Ppl.Data;
using Ppl.Examples.CausalVae;
using Ppl.Inference;
using Ppl.Inference.Optim;
using Ppl.Testing;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.CausalVae;

/// <summary>
/// The causal VAE program (issue #20's smoke): 2,000 SCM-resampled sprites, 2 epochs of SVI lower
/// the −ELBO; and a do(shape) query in twin worlds keeps the factual labels, sets the shape in the
/// counterfactual world, recomputes the children from the same noise, and decodes an image in each world.
/// </summary>
[Trait(Stage.Key, Stage.Examples)]
[Collection("Sequential")]
public sealed class CausalVaeProgramTests
{
    [Fact]
    public void TwoEpochsLowerTheLossAndADoShapeQueryDecodesBothWorlds()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(1);
        var factors = SpriteScm.Sample(2000, new TorchSharp.torch.Generator(5));
        var images = SpriteRenderer.Render(factors).view(-1, CausalVaeNetworks.Pixels);
        using var networks = CausalVaeNetworks.Create(1, CPU, latent: 2, hidden: 128);
        using var adam = new Adam(1e-3);
        var svi = new Svi<CausalVaeBatch>(CausalVaeProgram.Model, CausalVaeProgram.Guide, adam, new TraceElbo(), seed: 1);
        var batches = new MiniBatches(2000, 100, seed: 2);
        var epochLoss = new double[2];
        for (int epoch = 0; epoch < 2; epoch++)
        {
            foreach (var rows in batches.Epoch(epoch))
            {
                epochLoss[epoch] += svi.Step(new CausalVaeBatch(rows, images, factors, networks, Beta: 50)) / 2000;
            }
        }

        Assert.True(epochLoss[1] < epochLoss[0] - 50, $"−ELBO per image did not fall: {epochLoss[0]:F1} then {epochLoss[1]:F1}");

        // do(shape = square) on eight units, in twin worlds: [factual, counterfactual] along dim -2
        var units = new MiniBatches(2000, 8, shuffle: false).Epoch(0).First();
        var twin = new TwinWorldCounterfactual(dim: -2);
        Func<CausalVaeBatch, object?> model = CausalVaeProgram.Model;
        Trace trace;
        using (svi.ParamStore.Activate())
        using (twin.Install())
        {
            trace = model.Intervene(new Dictionary<string, Intervention> { ["shape"] = 0 })
                .GetTrace(new CausalVaeBatch(units, images, factors, networks, Beta: 50));
        }

        var shape = trace["shape"].Value!;
        var probs = trace["image_probs"].Value!;
        Assert.Equal([2L, 8L], shape.shape);
        Assert.Equal([2L, 8L, (long)CausalVaeNetworks.Pixels], probs.shape);
        Assert.True(twin.FactualOf(shape).squeeze(0).eq(factors[..8, 0]).all().item<bool>());
        Assert.True(twin.CounterfactualOf(shape).eq(0).all().item<bool>());
        // orientation's only parent is shape: where the shape did not change, neither did it
        var orientation = trace["orientation"].Value!;
        var unchanged = factors[..8, 0].eq(0);
        Assert.True(twin.CounterfactualOf(orientation).squeeze(0).eq(factors[..8, 2]).logical_or(unchanged.logical_not()).all().item<bool>());
    }
}
