using Ppl.Causal.IndependentMechanisms;
using Ppl.Inference;
using Ppl.Inference.Optim;
using Ppl.Params;
using Ppl.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.IndependentMechanisms;

/// <summary>The competing-experts programs' losses are the paper's objectives, and routing is the MAP mechanism index.</summary>
[Collection("Sequential")]
public sealed class CompetingExpertsTests
{
    [Fact]
    public void TheExpertProgramsLossIsEachWinnersMeanNegativeLogScorePlusThePrior()
    {
        using var scope = NewDisposeScope();
        var (experts, discriminator) = Networks(3, seed: 1);
        var inputs = randn(7, 3, dtype: float64, generator: new Generator(2));
        var assignment = tensor(new long[] { 0, 1, 1, 0, 1, 1, 1 });
        double loss = Loss(CompetingExperts.ExpertProgram, new ExpertCompetitionBatch(experts, discriminator, inputs, assignment));

        // by hand: expert 0 won 2 examples, expert 1 won 5, expert 2 none; the prior is 1/3 per example
        using var noGrad = no_grad();
        var won = new[] { 0, 1, 1, 0, 1, 1, 1 };
        double expected = 7 * Math.Log(3);
        for (int i = 0; i < won.Length; i++)
        {
            var output = experts[won[i]].forward(inputs.narrow(0, i, 1));
            double logit = discriminator.forward(output).item<double>();
            double logScore = -Math.Log(1 + Math.Exp(-logit));
            expected -= logScore / (won[i] == 0 ? 2 : 5);
        }

        Assert.True(Math.Abs(loss - expected) < 1e-10, $"loss {loss}, by hand {expected}");
    }

    [Fact]
    public void AnExpertStepMovesOnlyTheWinnersAndNeverTheDiscriminator()
    {
        using var scope = NewDisposeScope();
        var (experts, discriminator) = Networks(3, seed: 3);
        var inputs = randn(6, 3, dtype: float64, generator: new Generator(4));
        var before = experts.Select(e => e.parameters().Select(p => p.detach().clone()).ToList()).ToList();
        var discriminatorBefore = discriminator.parameters().Select(p => p.detach().clone()).ToList();
        using var store = new ParamStore();
        using var adam = new Adam(0.01);
        var svi = new Svi<ExpertCompetitionBatch>(CompetingExperts.ExpertProgram, _ => { }, adam, new TraceElbo(), store);
        svi.Step(new ExpertCompetitionBatch(experts, discriminator, inputs, tensor(new long[] { 2, 0, 2, 2, 0, 0 })));

        bool Moved(int e) => experts[e].parameters().Zip(before[e]).Any(pair => !pair.First.detach().allclose(pair.Second, rtol: 0, atol: 0));
        Assert.True(Moved(0) && Moved(2), "the experts that won examples take a step");
        Assert.False(Moved(1), "an expert that won nothing keeps its weights");
        foreach (var (parameter, old) in discriminator.parameters().Zip(discriminatorBefore))
        {
            Assert.True(parameter.detach().allclose(old, rtol: 0, atol: 0), "the discriminator is fixed in the experts' step");
            Assert.True(parameter.grad is null || parameter.grad.abs().max().item<double>() == 0, "no gradient is left on the discriminator for its own step to pick up");
            Assert.True(parameter.requires_grad, "the discriminator's parameters learn again after the experts' step");
        }
    }

    [Fact]
    public void TheDiscriminatorProgramsLossIsTheMeanCrossEntropyOfBothBatches()
    {
        using var scope = NewDisposeScope();
        var (_, discriminator) = Networks(1, seed: 5);
        var canonical = randn(5, 3, dtype: float64, generator: new Generator(6));
        var outputs = randn(3, 4, 3, dtype: float64, generator: new Generator(7));
        double loss = Loss(CompetingExperts.DiscriminatorProgram, new DiscriminatorBatch(discriminator, canonical, outputs));

        using var noGrad = no_grad();
        var real = discriminator.forward(canonical).reshape(-1);
        double expected = nn.functional.binary_cross_entropy_with_logits(real, ones_like(real)).item<double>();
        double fake = 0;
        for (int e = 0; e < 3; e++)
        {
            var logits = discriminator.forward(outputs[e]).reshape(-1);
            fake += nn.functional.binary_cross_entropy_with_logits(logits, zeros_like(logits)).item<double>() / 3;
        }

        Assert.True(Math.Abs(loss - (expected + fake)) < 1e-10, $"loss {loss}, cross-entropies {expected} + {fake}");
    }

    [Fact]
    public void TheIdentityProgramsLossIsHalfTheMeanSquaredErrorPlusAConstant()
    {
        using var scope = NewDisposeScope();
        var (experts, _) = Networks(1, seed: 8);
        var inputs = randn(9, 3, dtype: float64, generator: new Generator(9));
        double loss = Loss(CompetingExperts.IdentityProgram, new IdentityBatch(experts[0], inputs));
        using var noGrad = no_grad();
        double mse = experts[0].forward(inputs).sub(inputs).square().mean().item<double>();
        Assert.True(Math.Abs(loss - ((0.5 * mse) + (0.5 * Math.Log(2 * Math.PI)))) < 1e-10, $"loss {loss}, ½ MSE + ½ log 2π = {(0.5 * mse) + (0.5 * Math.Log(2 * Math.PI))}");
    }

    [Fact]
    public void RoutingSendsEachExampleToTheExpertTheDiscriminatorScoresHighest()
    {
        using var scope = NewDisposeScope();
        var (experts, discriminator) = Networks(4, seed: 10);
        var inputs = randn(23, 3, dtype: float64, generator: new Generator(11));
        experts[1].eval();
        var routing = CompetingExperts.Route(experts, discriminator, inputs, chunk: 5);

        using var noGrad = no_grad();
        for (int i = 0; i < 23; i++)
        {
            var row = inputs.narrow(0, i, 1);
            var logits = experts.Select(e => discriminator.forward(e.forward(row)).item<double>()).ToList();
            int best = logits.IndexOf(logits.Max());
            Assert.Equal(best, routing.Winners[i].item<long>());
            Assert.True(routing.Outputs[i].allclose(experts[best].forward(row)[0], rtol: 1e-12, atol: 1e-12));
            for (int e = 0; e < 4; e++)
            {
                Assert.True(Math.Abs(routing.LogScores[i, e].item<double>() + Math.Log(1 + Math.Exp(-logits[e]))) < 1e-10);
            }
        }

        Assert.Equal([true, false, true, true], experts.Select(e => e.training));
    }

    [Fact]
    public void FittingRecordsEveryFewIterationsAndLeavesNoTensorBehind()
    {
        // TorchSharp's nn.Linear keeps tensors alive after Dispose, so one set of networks serves every run
        var (experts, discriminator) = Networks(2, seed: 12);
        var transformed = randn(40, 3, dtype: float64, generator: new Generator(13));
        var canonical = randn(30, 3, dtype: float64, generator: new Generator(14));
        var options = new CompetingExpertsOptions { Iterations = 7, BatchSize = 8, IdentitySteps = 3, RecordEvery = 3 };
        LiveTensors.AssertNoLeak(() => CompetingExperts.Fit(experts, discriminator, transformed, canonical, options), checkScopeStatistics: true);
        long before = LiveTensors.Count();
        var records = CompetingExperts.Fit(experts, discriminator, transformed, canonical, options, seed: 1);
        Assert.Equal(before, LiveTensors.Count()); // outside any scope too: what comes back is numbers
        Assert.Equal([0, 3, 6, 7], records.Select(r => r.Iteration));
        Assert.All(records.Skip(1), r => Assert.Equal(8, r.Wins.Sum()));
        Assert.All(records.Skip(1), r => Assert.True(double.IsFinite(r.ExpertLoss) && r.ExpertLoss > 0 && double.IsFinite(r.DiscriminatorLoss) && r.DiscriminatorLoss > 0));
        Assert.True(double.IsNaN(records[0].ExpertLoss));
    }

    [Fact]
    public void TheEStepLeavesTheExpertsNormalizationStatisticsToTheirWinners()
    {
        // an expert's batch normalization statistics must describe the examples it wins, which are the ones
        // routing will send it; the E-step scores every example with every expert and must not average them in
        using var scope = NewDisposeScope();
        using var seedScope = new TorchSeedScope(18);
        var winner = nn.Linear(3, 3, dtype: float64);
        var loser = nn.Sequential(("norm", nn.BatchNorm1d(3, dtype: float64)), ("out", nn.Linear(3, 3, dtype: float64)));
        using (no_grad())
        {
            // the loser's outputs sit near 100 in every coordinate, which the discriminator (logit −Σx) scores far below the winner's
            ((TorchSharp.Modules.Linear)loser[1]).bias!.fill_(100);
        }

        var discriminator = nn.Linear(3, 1, dtype: float64);
        using (no_grad())
        {
            discriminator.weight!.fill_(-1);
            discriminator.bias!.zero_();
        }

        var norm = (TorchSharp.Modules.BatchNorm1d)loser[0];
        var meanBefore = norm.running_mean!.clone();
        var varianceBefore = norm.running_var!.clone();
        var transformed = randn(16, 3, dtype: float64, generator: new Generator(19)).add(5);
        var canonical = randn(16, 3, dtype: float64, generator: new Generator(20));
        var records = CompetingExperts.Fit([winner, loser], discriminator, transformed, canonical, new CompetingExpertsOptions { Iterations = 1, BatchSize = 8, IdentitySteps = 0, RecordEvery = 1 });

        Assert.Equal([8, 0], records[^1].Wins);
        Assert.True(norm.running_mean!.allclose(meanBefore, rtol: 0, atol: 0), $"running mean moved from {meanBefore.str()} to {norm.running_mean!.str()} though the expert won nothing");
        Assert.True(norm.running_var!.allclose(varianceBefore, rtol: 0, atol: 0), "running variance moved though the expert won nothing");
        Assert.True(loser.training, "the expert is left in training mode, as it came");
    }

    [Fact]
    public void IdentityPretrainingBringsAnExpertCloseToTheIdentity()
    {
        using var scope = NewDisposeScope();
        var (experts, _) = Networks(1, seed: 15);
        var inputs = randn(256, 3, dtype: float64, generator: new Generator(16));
        double untrained;
        using (no_grad())
        {
            untrained = experts[0].forward(inputs).sub(inputs).square().mean().item<double>();
        }

        double trained = CompetingExperts.PretrainIdentity(experts[0], inputs, new CompetingExpertsOptions { IdentitySteps = 400, ExpertLearningRate = 0.05 });
        Assert.True(untrained > 0.3, $"the untrained expert's error {untrained} should leave room to improve");
        Assert.True(trained < 0.01, $"mean squared error after pretraining {trained} (before {untrained})");
    }

    [Fact]
    public void RoutingAndTheDiscriminatorsAndIdentityStepsRunOnTheMetaDevice()
    {
        // the expert step reads win counts from the host by design; everything else takes its device from the data
        var meta = device("meta");
        List<nn.Module<Tensor, Tensor>> experts = [nn.Linear(3, 3, device: meta), nn.Linear(3, 3, device: meta)];
        using var discriminator = nn.Linear(3, 1, device: meta);
        var inputs = zeros([7, 3], device: meta);
        var routing = CompetingExperts.Route(experts, discriminator, inputs, chunk: 3);
        Assert.Equal([7L], routing.Winners.shape);
        Assert.Equal([7L, 3], routing.Outputs.shape);
        Assert.Equal([7L, 2], routing.LogScores.shape);
        Assert.All(new[] { routing.Winners, routing.Outputs, routing.LogScores }, t => Assert.Equal(DeviceType.META, t.device.type));
        Assert.Equal(DeviceType.META, MetaLoss(CompetingExperts.DiscriminatorProgram, new DiscriminatorBatch(discriminator, inputs, zeros([2, 5, 3], device: meta))));
        Assert.Equal(DeviceType.META, MetaLoss(CompetingExperts.IdentityProgram, new IdentityBatch(experts[0], inputs)));
    }

    /// <summary>The device of the loss tensor (a meta tensor has no value to read).</summary>
    private static DeviceType MetaLoss<T>(Action<T> program, T data)
    {
        using var store = new ParamStore();
        using (store.Activate())
        {
            return new TraceElbo().Estimate<T>(d => { program(d); return null; }, _ => null, data).Loss.device.type;
        }
    }

    [Fact]
    public void DataAndNetworksThatCannotCompeteAreRefused()
    {
        using var scope = NewDisposeScope();
        var (experts, discriminator) = Networks(2, seed: 17);
        var inputs = randn(4, 3, dtype: float64);
        var dtype = InProgram(() => Loss(CompetingExperts.ExpertProgram, new ExpertCompetitionBatch(experts, discriminator, inputs, tensor(new[] { 0, 1, 0, 1 }))));
        Assert.Contains("[n] int64 with n = 4", dtype.Message, StringComparison.Ordinal);
        var range = InProgram(() => Loss(CompetingExperts.ExpertProgram, new ExpertCompetitionBatch(experts, discriminator, inputs, tensor(new long[] { 0, 1, 2, 1 }))));
        Assert.Contains("between 0 and 1", range.Message, StringComparison.Ordinal);
        using var wide = nn.Linear(3, 2, dtype: float64);
        var logits = Assert.Throws<ArgumentException>(() => CompetingExperts.Route(experts, wide, inputs));
        Assert.Contains("one logit per example", logits.Message, StringComparison.Ordinal);
        using var narrow = nn.Linear(3, 2, dtype: float64);
        var shape = InProgram(() => Loss(CompetingExperts.IdentityProgram, new IdentityBatch(narrow, inputs)));
        Assert.Contains("[4, 3] gave [4, 2]", shape.Message, StringComparison.Ordinal);
        var mismatch = Assert.Throws<ArgumentException>(() => CompetingExperts.Fit(experts, discriminator, randn(40, 3, dtype: float64), randn(40, 4, dtype: float64), new CompetingExpertsOptions { IdentitySteps = 0, Iterations = 1 }));
        Assert.Contains("[40, 3] and [40, 4]", mismatch.Message, StringComparison.Ordinal);
        var few = Assert.Throws<ArgumentException>(() => CompetingExperts.Fit(experts, discriminator, randn(10, 3, dtype: float64), randn(40, 3, dtype: float64)));
        Assert.Contains("at least one minibatch (32)", few.Message, StringComparison.Ordinal);
    }

    /// <summary>The program's own exception, which tracing wraps with the shapes of the sites so far.</summary>
    private static ArgumentException InProgram(Func<double> run) =>
        Assert.IsType<ArgumentException>(Assert.Throws<ModelExecutionException>(() => run()).InnerException);

    private static double Loss<T>(Action<T> program, T data)
    {
        using var store = new ParamStore();
        using (store.Activate())
        {
            return new TraceElbo().Loss<T>(d => { program(d); return null; }, _ => null, data);
        }
    }

    private static (List<nn.Module<Tensor, Tensor>> Experts, nn.Module<Tensor, Tensor> Discriminator) Networks(int experts, long seed)
    {
        using var seedScope = new TorchSeedScope(seed);
        var list = Enumerable.Range(0, experts).Select(_ => (nn.Module<Tensor, Tensor>)nn.Linear(3, 3, dtype: float64)).ToList();
        return (list, nn.Linear(3, 1, dtype: float64));
    }
}
