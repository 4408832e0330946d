using Ppl.Causal.Invariance;
using Ppl.Inference;
using Ppl.Params;
using Ppl.Testing;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Invariance;

/// <summary>The IRM program's negative log joint is the authors' objective; training ignores a spurious feature that ERM relies on.</summary>
[Collection("Sequential")]
public sealed class InvariantRiskMinimizationTests
{
    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    [InlineData(250.0)]
    public void TheProgramsLossIsTheAuthorsObjective(double penaltyWeight)
    {
        using var scope = NewDisposeScope();
        var (training, _) = SpuriousData(300, seed: 4);
        using var network = nn.Linear(2, 1, dtype: float64);
        const double L2 = 0.01;
        using var store = new ParamStore();
        double loss;
        using (store.Activate())
        {
            loss = new TraceElbo().Loss<IrmData>(d => { InvariantRiskMinimization.Program(d); return null; }, _ => null, new IrmData(network, training, L2, penaltyWeight));
        }

        using var noGrad = no_grad();
        double risk = 0, penalty = 0;
        foreach (var environment in training)
        {
            var logits = network.forward(environment.Inputs).squeeze(-1);
            risk += nn.functional.binary_cross_entropy_with_logits(logits, environment.Labels).item<double>() / training.Length;
            penalty += InvariancePenalty.LogisticIrmv1(logits, environment.Labels).item<double>() / training.Length;
        }

        double norm = network.parameters().Sum(p => p.square().sum().item<double>());
        double expected = (risk + (L2 * norm) + (penaltyWeight * penalty)) / Math.Max(1, penaltyWeight);
        Assert.True(penalty > 1e-6, "the example must have a penalty to weigh");
        Assert.True(Math.Abs(loss - expected) < 1e-9 * Math.Max(1, Math.Abs(expected)), $"loss {loss}, objective {expected}");
    }

    [Fact]
    public void IrmIgnoresTheSpuriousFeatureThatErmRelies()
    {
        using var scope = NewDisposeScope();
        var (training, test) = SpuriousData(2000, seed: 5);
        double Trained(IrmOptions options)
        {
            using var network = nn.Linear(2, 1, dtype: float64);
            using (no_grad())
            {
                network.weight!.zero_();
                network.bias!.zero_();
            }

            var records = InvariantRiskMinimization.Fit(network, training, [test], options);
            return records[^1].Accuracies[0];
        }

        double erm = Trained(new IrmOptions { Steps = 300, LearningRate = 0.05, L2 = 0 });
        double irm = Trained(new IrmOptions { Steps = 500, LearningRate = 0.05, L2 = 0, PenaltyWeight = 1e4, PenaltyAnnealSteps = 100 });

        // the invariant feature predicts 75% everywhere; the spurious one 80–90% in training and 10% at test
        Assert.True(erm < 0.4, $"ERM test accuracy {erm:P1}");
        Assert.True(irm > 0.65 && irm < 0.80, $"IRM test accuracy {irm:P1}");
    }

    [Fact]
    public void TrainingLeavesNoTensorBehind()
    {
        // TorchSharp's nn.Linear keeps tensors alive after Dispose, so one network serves every run
        using var network = nn.Linear(2, 1, dtype: float64);
        var (training, test) = SpuriousData(200, seed: 6);
        var options = new IrmOptions { Steps = 12, LearningRate = 0.01, PenaltyWeight = 50, PenaltyAnnealSteps = 5, RecordEvery = 4 };
        LiveTensors.AssertNoLeak(() => InvariantRiskMinimization.Fit(network, training, [test], options), checkScopeStatistics: true);
        long before = LiveTensors.Count();
        var records = InvariantRiskMinimization.Fit(network, training, [test], options);
        Assert.Equal(before, LiveTensors.Count()); // outside any scope too: what comes back is numbers
        Assert.Equal([0, 4, 8, 11], records.Select(r => r.Step));
        Assert.Equal([1.0, 1.0, 50.0, 50.0], records.Select(r => r.PenaltyWeight));
    }

    [Fact]
    public void EnvironmentsThatCannotBeFittedAreRefused()
    {
        using var scope = NewDisposeScope();
        using var network = nn.Linear(2, 1);
        var good = new TrainingEnvironment("a", zeros(5, 2), zeros(5));
        var duplicate = Assert.Throws<ArgumentException>(() => InvariantRiskMinimization.Fit(network, [good, good], []));
        Assert.Contains("two training environments are named 'a'", duplicate.Message, StringComparison.Ordinal);
        var integer = Assert.Throws<ArgumentException>(() => InvariantRiskMinimization.Fit(network, [new TrainingEnvironment("b", zeros(5, 2), zeros(5, dtype: ScalarType.Int64))], []));
        Assert.Contains("floating point", integer.Message, StringComparison.Ordinal);
        var shape = Assert.Throws<ArgumentException>(() => InvariantRiskMinimization.Fit(network, [new TrainingEnvironment("c", zeros(5, 2), zeros(4))], []));
        Assert.Contains("inputs [5, 2] and labels [4]", shape.Message, StringComparison.Ordinal);
        using var wide = nn.Linear(2, 3);
        var output = Assert.Throws<ArgumentException>(() => InvariantRiskMinimization.Fit(wide, [good], [], new IrmOptions { Steps = 1 }));
        Assert.Contains("one logit per example", output.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Colored MNIST in two features: an invariant one, the label's source flipped with probability 0.25,
    /// and a spurious one, the label flipped with probability 0.2 and 0.1 in the training environments and
    /// 0.9 in the test environment; both ±1 with a little noise.
    /// </summary>
    private static (TrainingEnvironment[] Training, TrainingEnvironment Test) SpuriousData(int n, long seed)
    {
        var g = new Generator((ulong)seed);
        TrainingEnvironment Environment(string name, double flip)
        {
            var source = rand(n, dtype: float64, generator: g).lt(0.5);
            var label = source.logical_xor(rand(n, dtype: float64, generator: g).lt(0.25));
            var spurious = label.logical_xor(rand(n, dtype: float64, generator: g).lt(flip));
            var inputs = stack([source.to(float64).mul(2).sub(1), spurious.to(float64).mul(2).sub(1)], 1).add(randn(n, 2, dtype: float64, generator: g).mul(0.1));
            return new TrainingEnvironment(name, inputs, label.to(float64));
        }

        return ([Environment("e1", 0.2), Environment("e2", 0.1)], Environment("test", 0.9));
    }
}
