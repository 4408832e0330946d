using Ppl.Inference.Optim;
using static Ppl.Tests.Inference.Optim.OptimTestUtil;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Optim;

[Collection("Sequential")]
public sealed class LearningRateScheduleTests
{
    [Fact]
    public void StepMatchesClosedFormAndTorchSharpStepLR()
    {
        var schedule = LearningRateSchedule.Step(stepSize: 3, gamma: 0.5);
        using var scope = NewDisposeScope();
        var p = NewParameter([0.0]);
        using var sgd = new TorchSharp.Modules.SGD([p], lr: 0.2);
        var torchScheduler = optim.lr_scheduler.StepLR(sgd, step_size: 3, gamma: 0.5);
        for (long k = 0; k < 12; k++)
        {
            Assert.Equal(0.2 * Math.Pow(0.5, k / 3), schedule.Evaluate(k, 0.2), 15);
            Assert.Equal(sgd.ParamGroups.First().LearningRate, schedule.Evaluate(k, 0.2), 12);
            sgd.step();
            torchScheduler.step();
        }
    }

    [Fact]
    public void ExponentialMatchesClosedFormAndTorchSharpExponentialLR()
    {
        var schedule = LearningRateSchedule.Exponential(0.9);
        using var scope = NewDisposeScope();
        var p = NewParameter([0.0]);
        using var sgd = new TorchSharp.Modules.SGD([p], lr: 0.2);
        var torchScheduler = optim.lr_scheduler.ExponentialLR(sgd, gamma: 0.9);
        for (long k = 0; k < 12; k++)
        {
            Assert.Equal(0.2 * Math.Pow(0.9, k), schedule.Evaluate(k, 0.2), 15);
            Assert.Equal(sgd.ParamGroups.First().LearningRate, schedule.Evaluate(k, 0.2), 12);
            sgd.step();
            torchScheduler.step();
        }
    }

    /// <summary>PyTorch's OneCycleLR.get_lr with cosine annealing, transcribed.</summary>
    private static double PyTorchOneCycle(long step, double maxLr, long total, double pctStart, double divFactor, double finalDivFactor)
    {
        double initial = maxLr / divFactor, min = initial / finalDivFactor;
        (double End, double Start, double Stop)[] phases = [((pctStart * total) - 1, initial, maxLr), (total - 1, maxLr, min)];
        double startStep = 0;
        for (int i = 0; i < phases.Length; i++)
        {
            var (end, from, to) = phases[i];
            if (step <= end || i == phases.Length - 1)
            {
                double pct = (step - startStep) / (end - startStep);
                return to + ((from - to) / 2.0 * (Math.Cos(Math.PI * pct) + 1));
            }

            startStep = end;
        }

        throw new InvalidOperationException("unreachable");
    }

    [Theory]
    [InlineData(1.0, 100L, 0.3, 25.0, 1e4)]
    [InlineData(0.01, 37L, 0.25, 10.0, 100.0)]
    public void OneCycleMatchesPyTorchFormulaAndTorchSharpOneCycleLR(double maxLr, long total, double pctStart, double divFactor, double finalDivFactor)
    {
        var schedule = LearningRateSchedule.OneCycle(maxLr, total, pctStart, divFactor, finalDivFactor);
        using var scope = NewDisposeScope();
        var p = NewParameter([0.0]);
        using var sgd = new TorchSharp.Modules.SGD([p], lr: 123.0);
        var torchScheduler = optim.lr_scheduler.OneCycleLR(sgd, maxLr, total_steps: (int)total, pct_start: pctStart,
            cycle_momentum: false, div_factor: divFactor, final_div_factor: finalDivFactor);
        for (long k = 0; k < total; k++)
        {
            Assert.Equal(PyTorchOneCycle(k, maxLr, total, pctStart, divFactor, finalDivFactor), schedule.Evaluate(k, 999.0), 14);
            Assert.Equal(sgd.ParamGroups.First().LearningRate, schedule.Evaluate(k, 999.0), 12);
            sgd.step();
            torchScheduler.step();
        }

        Assert.Equal(maxLr / divFactor, schedule.Evaluate(0, 0), 14);
        Assert.Equal(maxLr / divFactor / finalDivFactor, schedule.Evaluate(total - 1, 0), 14);
        Assert.Throws<InvalidOperationException>(() => schedule.Evaluate(total + 1, 0));
    }

    [Fact]
    public void TheOptimizerFeedsItsStepCounterAndBaseRateToTheSchedule()
    {
        using var scope = NewDisposeScope();
        var w = NewParameter([0.3, 0.7, -1.2]);
        var b = NewParameter([1.0, 2.0]);
        using var optimizer = new Sgd(lr: 0.1) { Schedule = LearningRateSchedule.Step(2, 0.5) };
        optimizer.PerParameter = name => name == "b" ? new OptimizerOptions { LearningRate = 0.4 } : null;
        for (int k = 0; k < 6; k++)
        {
            Assert.Equal(0.1 * Math.Pow(0.5, k / 2), optimizer.CurrentLearningRate(), 15);
            Assert.Equal(0.4 * Math.Pow(0.5, k / 2), optimizer.CurrentLearningRate("b"), 15);
            double before = Values(b)[0];
            TrainStep(optimizer, w, b);
            // SGD on (b − 0.25)²: Δb = −lr·2(b − 0.25), so the rate used is recoverable exactly enough.
            double used = (before - Values(b)[0]) / (2 * (before - 0.25));
            Assert.Equal(0.4 * Math.Pow(0.5, k / 2), used, 10);
        }

        Assert.Equal(6, optimizer.StepCount);
    }

    [Fact]
    public void InvalidScheduleArgumentsThrowNamingTheScheduleAndArgument()
    {
        var e = Assert.Throws<ArgumentException>(() => LearningRateSchedule.Step(0));
        Assert.Contains("Step", e.Message, StringComparison.Ordinal);
        Assert.Equal("stepSize", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => LearningRateSchedule.Exponential(-0.5));
        Assert.Equal("gamma", e.ParamName);
        e = Assert.Throws<ArgumentException>(() => LearningRateSchedule.OneCycle(1.0, 10, pctStart: 1.5));
        Assert.Contains("OneCycle", e.Message, StringComparison.Ordinal);
        Assert.Equal("pctStart", e.ParamName);
        Assert.Throws<ArgumentException>(() => LearningRateSchedule.OneCycle(1.0, 0));
        Assert.Throws<ArgumentException>(() => LearningRateSchedule.OneCycle(1.0, 10, divFactor: 0));
        Assert.Throws<ArgumentNullException>(() => new LearningRateSchedule(null!));
    }
}
