using Ppl.Causal;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.StructureLearning;

/// <summary>Structure learning and the learned SCM leave no tensor behind (TorchSharp memory is native, unseen by the GC).</summary>
[Collection("Sequential")]
public sealed class StructureLearningLeakTests
{
    [Fact]
    public void FittingQueryingAndScoringLeaveNoLiveTensors()
    {
        var random = new Random(3);
        var truth = RandomDag.Weights(RandomDag.Structure(5, 5, RandomGraphType.ErdosRenyi, random), random);
        var x = LinearSem.Sample(truth, 300, SemNoise.Gaussian, random);
        void Exercise()
        {
            using var scope = NewDisposeScope();
            var learned = Notears.Fit(x);
            _ = StructureMetrics.Compare(truth, learned.Weights);
            _ = Notears.FitCovariance(LinearSem.PopulationCovariance(truth), new NotearsOptions { Lambda1 = 0 });
            var scm = LinearGaussianScm.Fit(learned.Weights, x);
            _ = scm.InterventionalMeans(new Dictionary<int, double> { [0] = 1.0 });
            _ = scm.WeightMatrix();
            _ = Acyclicity.Value(learned.RawWeights) + Acyclicity.Gradient(learned.RawWeights).sum().item<double>();
        }

        LiveTensors.AssertNoLeak(Exercise, checkScopeStatistics: true);

        // outside any scope, only the results live on: Fit's intermediates are its own
        long outside = LiveTensors.Count();
        var result = Notears.Fit(x);
        Assert.Equal(outside + 2, LiveTensors.Count()); // Weights and RawWeights
        result.Weights.Dispose();
        result.RawWeights.Dispose();
        Assert.Equal(outside, LiveTensors.Count());
    }
}
