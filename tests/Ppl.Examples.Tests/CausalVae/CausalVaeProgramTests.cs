using Ppl.Causal;
using Ppl.Data;
using Ppl.Examples.CausalVae;
using Ppl.Inference;
using Ppl.Inference.Optim;
using Ppl.Testing;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.CausalVae;

/// <summary>
/// The causal VAE program and its queries (issue #20's smoke): 2,000 SCM-resampled sprites, 2 epochs
/// of SVI lower the −ELBO; a do(shape) query in twin worlds keeps the factual labels, sets the shape
/// in the counterfactual world, recomputes the children from the same noise, and decodes an image in
/// each world; an interventional sample draws the children from their mechanisms.
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
        var factors = SpriteScm.Sample(2000, new Generator(5));
        using var networks = CausalVaeNetworks.Create(1, CPU, latent: 2, hidden: 128);
        using var adam = new Adam(1e-3);
        var svi = new Svi<CausalVaeBatch>(CausalVaeProgram.Model, CausalVaeProgram.Guide, adam, new TraceElbo(), seed: 1);
        var batches = new MiniBatches(2000, 100, seed: 2);
        var epochLoss = new double[2];
        for (int epoch = 0; epoch < 2; epoch++)
        {
            foreach (var rows in batches.Epoch(epoch))
            {
                using var step = NewDisposeScope();
                epochLoss[epoch] += svi.Step(CausalVaeBatch.Render(rows, factors, networks, beta: 50)) / 2000;
            }
        }

        Assert.True(epochLoss[1] < epochLoss[0] - 50, $"−ELBO per image did not fall: {epochLoss[0]:F1} then {epochLoss[1]:F1}");

        // do(shape = square) on eight units: both worlds decode an image per unit
        var units = factors[..8];
        var batch = CausalVaeBatch.Of(units, networks);
        CounterfactualImages answer;
        using (svi.ParamStore.Activate())
        {
            answer = CausalVaeQueries.Counterfactual(batch, new Dictionary<string, Intervention> { ["shape"] = 0 });
        }

        Assert.Equal([8L, (long)CausalVaeNetworks.Pixels], answer.Probs.shape);
        Assert.Equal([8L, (long)CausalVaeNetworks.Pixels], answer.FactualProbs.shape);
        Assert.True(answer.FactualFactors.eq(units).all().item<bool>());
        Assert.True(answer.Factors[.., 0].eq(0).all().item<bool>());
        // every unit whose shape was already a square keeps all its factors and its image
        var unchanged = units[.., 0].eq(0);
        Assert.True(answer.Factors.eq(units).all(1).logical_or(unchanged.logical_not()).all().item<bool>());
        Assert.True(answer.Probs.sub(answer.FactualProbs).abs().amax(1).le(1e-6).logical_or(unchanged.logical_not()).all().item<bool>());
        // posY's only parent is scale: where the scale stays, so does posY
        var sameScale = answer.Factors[.., 1].eq(units[.., 1]);
        Assert.True(answer.Factors[.., 4].eq(units[.., 4]).logical_or(sameScale.logical_not()).all().item<bool>());
    }

    [Fact]
    [Trait(Stage.Key, Stage.Statistical)]
    public void AnInterventionalSampleDrawsTheChildrenFromTheirMechanismsUnderTheNewShape()
    {
        using var scope = NewDisposeScope();
        using var networks = CausalVaeNetworks.Create(2, CPU, latent: 2, hidden: 16);
        const int N = 20_000;
        var actions = new Dictionary<string, Intervention> { ["shape"] = (double)SpriteShape.Heart };
        var (factors, probs) = CausalVaeQueries.InterventionalSample(networks, N, actions, seed: 7);

        Assert.Equal([(long)N, (long)CausalVaeNetworks.Pixels], probs.shape);
        Assert.True(factors[.., 0].eq((long)SpriteShape.Heart).all().item<bool>());
        // the scale index under do(heart) follows softmax(ScaleLogits(heart)); 4σ of a proportion over 20,000 draws is ≤ 0.0142
        var expected = SpriteScm.ScaleLogits(tensor(new[] { (long)SpriteShape.Heart })).softmax(-1)[0];
        var observed = factors[.., 1].bincount(null, SpriteGrid.Sizes[1]).to(ScalarType.Float64).div(N);
        Assert.True(observed.sub(expected).abs().max().item<double>() < 0.0142, $"scale frequencies {observed.str()} vs {expected.str()}");
    }

    [Fact]
    public void TheProgramAndACounterfactualQueryRunOnTheMetaDevice()
    {
        // meta computes shapes only: the run proves nothing in the program or the query reads values or assumes the CPU
        using var scope = NewDisposeScope();
        var meta = device("meta");
        using var networks = CausalVaeNetworks.Create(3, meta, latent: 2, hidden: 16);
        var factors = zeros(6, 5, dtype: ScalarType.Int64, device: meta);
        var batch = CausalVaeBatch.Of(factors, networks);
        Func<CausalVaeBatch, object?> model = CausalVaeProgram.Model;

        using var store = new Ppl.Params.ParamStore();
        using (store.Activate())
        {
            var trace = model.GetTrace(batch);
            var answer = CausalVaeQueries.Counterfactual(batch, new Dictionary<string, Intervention> { ["shape"] = 1 });

            Assert.Equal([6L, (long)CausalVaeNetworks.Pixels], trace["image_probs"].Value!.shape);
            Assert.Equal([6L, 5L], answer.Factors.shape);
            Assert.Equal([6L, (long)CausalVaeNetworks.Pixels], answer.Probs.shape);
            Assert.Equal(DeviceType.META, answer.Probs.device_type);
        }
    }
}
