using Ppl.Inference.Optim;
using Ppl.Params;
using static Ppl.Primitives;
using static Ppl.Tests.Inference.Optim.OptimTestUtil;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Optim;

[Collection("Sequential")]
public sealed class OptimizerBehaviourTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ppl-optim-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    public static readonly TheoryData<string, int> Convergent = new()
    {
        { "Adam", 2000 },
        { "ClippedAdam", 3000 },
        { "Sgd", 500 },
        { "SgdMomentum", 500 },
        { "SgdNesterov", 500 },
        { "RmsProp", 5000 },
        { "AdaGrad", 2000 },
    };

    // Without weight decay (which would move the optimum) and with a decaying rate for the methods
    // whose constant-rate steps would otherwise hover around the minimum.
    private static Optimizer ConvergentOptimizer(string kind) => kind switch
    {
        "Adam" => new Adam(lr: 0.05) { Schedule = LearningRateSchedule.Exponential(0.997) },
        "ClippedAdam" => new ClippedAdam(lr: 0.05, lrd: 0.998),
        "Sgd" => new Sgd(lr: 0.05),
        "SgdMomentum" => new Sgd(lr: 0.05, momentum: 0.9),
        "SgdNesterov" => new Sgd(lr: 0.05, momentum: 0.9, nesterov: true),
        "RmsProp" => new RmsProp(lr: 0.01) { Schedule = LearningRateSchedule.Exponential(0.999) },
        "AdaGrad" => new AdaGrad(lr: 0.5),
        _ => throw new ArgumentException(kind, nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Convergent))]
    public void MinimisesAConvexQuadratic(string kind, int steps)
    {
        using var scope = NewDisposeScope();
        var w = NewParameter([3.0, 3.0, -3.0]);
        using var optimizer = ConvergentOptimizer(kind);
        for (int step = 0; step < steps; step++)
        {
            using var inner = NewDisposeScope();
            Loss(w).backward();
            optimizer.Step([("w", w)]);
            Optimizer.ZeroGrad([w]);
        }

        TrajectoryTests.AssertClose(Centre, Values(w), 1e-3, kind);
    }

    [Fact]
    public void AParameterAppearingMidTrainingGetsFreshStateAndIsUpdated()
    {
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        using var optimizer = new Adam(lr: 0.01);
        for (int step = 0; step < 10; step++)
        {
            using var inner = NewDisposeScope();
            using (store.Activate())
            {
                var w = Param("w", () => tensor(new[] { 0.3, 0.7, -1.2 }, dtype: float64));
                var loss = Loss(w);
                if (step >= 5)
                {
                    loss += LossB(Param("late", () => tensor(new[] { 1.0, -1.0 }, dtype: float64)));
                }

                loss.backward();
            }

            double[] before = store.Contains("late") ? Values(store.GetUnconstrained("late")) : [];
            optimizer.Step(store);
            Optimizer.ZeroGrad(store.Parameters);
            if (step == 5)
            {
                // A fresh Adam state moves every element by almost exactly lr on its first update,
                // which would not hold had the bias correction counted the optimizer's five earlier steps.
                Assert.Contains("late", optimizer.StateNames);
                double[] after = Values(store.GetUnconstrained("late"));
                Assert.Equal(-0.01, after[0] - before[0], 9);
                Assert.Equal(0.01, after[1] - before[1], 9);
            }
        }

        Assert.Equal(10, optimizer.StepCount);
        Assert.Equal(["late", "w"], optimizer.StateNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ParametersWithoutGradientAreSkipped()
    {
        using var scope = NewDisposeScope();
        var w = NewParameter([0.3, 0.7, -1.2]);
        var idle = NewParameter([5.0]);
        using var optimizer = new Adam(lr: 0.1);
        Loss(w).backward();
        optimizer.Step([("w", w), ("idle", idle)]);
        Assert.Equal(5.0, Values(idle)[0]);
        Assert.DoesNotContain("idle", optimizer.StateNames);
        Optimizer.ZeroGrad([w, idle]);
        Assert.Null(w.grad);
    }

    [Fact]
    public void PerParameterLearningRateOverrideApplies()
    {
        using var scope = NewDisposeScope();
        var w = NewParameter([0.3, 0.7, -1.2]);
        var b = NewParameter([1.0, -1.0]);
        using var optimizer = new Adam(lr: 0.01)
        {
            PerParameter = name => name == "b" ? new OptimizerOptions { LearningRate = 0.03 } : null,
        };
        double[] w0 = Values(w), b0 = Values(b);
        TrainStep(optimizer, w, b);
        // First Adam update ≈ lr·sign(g) elementwise.
        Assert.Equal(0.01, Math.Abs(Values(w)[0] - w0[0]), 9);
        Assert.Equal(0.03, Math.Abs(Values(b)[0] - b0[0]), 9);

        optimizer.PerParameter = name => name == "b" ? new OptimizerOptions { LearningRate = 0 } : null;
        double[] frozen = Values(b);
        TrainStep(optimizer, w, b);
        Assert.Equal(frozen, Values(b));
    }

    [Theory]
    [MemberData(nameof(Kinds), MemberType = typeof(OptimTestUtil))]
    public void SaveLoadContinueIsBitIdenticalToAnUninterruptedRun(string kind)
    {
        using var scope = NewDisposeScope();
        var wA = NewParameter([0.3, 0.7, -1.2]);
        var bA = NewParameter([1.5, -0.5]);
        var wB = NewParameter([0.3, 0.7, -1.2]);
        var bB = NewParameter([1.5, -0.5]);
        var schedule = LearningRateSchedule.Exponential(0.95);

        using (var uninterrupted = Create(kind))
        {
            uninterrupted.Schedule = schedule;
            for (int i = 0; i < 20; i++)
            {
                TrainStep(uninterrupted, wA, bA);
            }
        }

        string path = Path.Combine(_dir, $"{kind}.optim");
        using (var first = Create(kind))
        {
            first.Schedule = schedule;
            for (int i = 0; i < 10; i++)
            {
                TrainStep(first, wB, bB);
            }

            first.Save(path);
        }

        using var resumed = Create(kind);
        resumed.Schedule = schedule;
        resumed.Load(path);
        Assert.Equal(10, resumed.StepCount);
        for (int i = 0; i < 10; i++)
        {
            TrainStep(resumed, wB, bB);
        }

        // Exact double equality: resuming must not change a single bit.
        Assert.Equal(Values(wA), Values(wB));
        Assert.Equal(Values(bA), Values(bB));
    }

    [Fact]
    public void LoadRejectsAnotherOptimizersStateAndDamagedFiles()
    {
        using var scope = NewDisposeScope();
        var w = NewParameter([0.3, 0.7, -1.2]);
        var b = NewParameter([1.5, -0.5]);
        string path = Path.Combine(_dir, "adam.optim");
        using (var adam = new Adam())
        {
            TrainStep(adam, w, b);
            adam.Save(path);
        }

        using var sgd = new Sgd(lr: 0.1);
        var e = Assert.Throws<InvalidOperationException>(() => sgd.Load(path));
        Assert.Contains("Adam", e.Message, StringComparison.Ordinal);

        var bytes = File.ReadAllBytes(path);
        string truncated = Path.Combine(_dir, "truncated.optim");
        File.WriteAllBytes(truncated, bytes[..^10]);
        using var adam2 = new Adam();
        Assert.Throws<InvalidDataException>(() => adam2.Load(truncated));
        Assert.Empty(adam2.StateNames);

        // State loaded for a parameter of one shape must not be applied to another of the same name.
        adam2.Load(path);
        var wrong = NewParameter([1.0, 2.0]);
        LossB(wrong).backward();
        Assert.Throws<InvalidOperationException>(() => adam2.Step([("w", wrong)]));
    }

    [Theory]
    [MemberData(nameof(Kinds), MemberType = typeof(OptimTestUtil))]
    public void LiveTensorCountIsFlatOverManySteps(string kind)
    {
        using var optimizer = Create(kind);
        using var w = NewParameter([0.3, 0.7, -1.2]);
        using var b = NewParameter([1.5, -0.5]);
        for (int i = 0; i < 5; i++)
        {
            TrainStep(optimizer, w, b); // warm-up: creates the state
        }

        long totalBefore = LiveTensors.Count();
        long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 200; i++)
        {
            using var scope = NewDisposeScope();
            TrainStep(optimizer, w, b);
        }

        Assert.Equal(totalBefore, LiveTensors.Count());
        Assert.Equal(liveBefore, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Theory]
    [MemberData(nameof(Kinds), MemberType = typeof(OptimTestUtil))]
    public void AStepRunsOnTheMetaDevice(string kind)
    {
        using var scope = NewDisposeScope();
        var meta = device("meta");
        var w = NewParameter([0.3, 0.7, -1.2], meta);
        var b = NewParameter([1.5, -0.5], meta);
        using var optimizer = Create(kind);
        TrainStep(optimizer, w, b);
        TrainStep(optimizer, w, b);
        Assert.Equal(DeviceType.META, w.device_type);
        Assert.Equal(DeviceType.META, b.device_type);
        Assert.Equal(["b", "w"], optimizer.StateNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void InvalidArgumentsThrowNamingTheOptimizerAndArgument()
    {
        AssertInvalid(() => new Adam(lr: -1), "Adam", "lr");
        AssertInvalid(() => new Adam(beta1: 1.0), "Adam", "beta1");
        AssertInvalid(() => new Adam(beta2: -0.1), "Adam", "beta2");
        AssertInvalid(() => new Adam(eps: -1e-8), "Adam", "eps");
        AssertInvalid(() => new Adam(weightDecay: -1), "Adam", "weightDecay");
        AssertInvalid(() => new Adam(lr: double.NaN), "Adam", "lr");
        AssertInvalid(() => new ClippedAdam(clipNorm: 0), "ClippedAdam", "clipNorm");
        AssertInvalid(() => new ClippedAdam(lrd: 0), "ClippedAdam", "lrd");
        AssertInvalid(() => new ClippedAdam(beta1: 1.5), "ClippedAdam", "beta1");
        AssertInvalid(() => new Sgd(lr: -0.1), "Sgd", "lr");
        AssertInvalid(() => new Sgd(lr: 0.1, momentum: -1), "Sgd", "momentum");
        AssertInvalid(() => new Sgd(lr: 0.1, nesterov: true), "Sgd", "nesterov");
        AssertInvalid(() => new Sgd(lr: 0.1, momentum: 0.9, dampening: 0.1, nesterov: true), "Sgd", "nesterov");
        AssertInvalid(() => new RmsProp(alpha: -0.5), "RmsProp", "alpha");
        AssertInvalid(() => new RmsProp(momentum: -0.5), "RmsProp", "momentum");
        AssertInvalid(() => new AdaGrad(lrDecay: -1), "AdaGrad", "lrDecay");
        AssertInvalid(() => new AdaGrad(initialAccumulatorValue: -1), "AdaGrad", "initialAccumulatorValue");
        AssertInvalid(() => new AdaGrad(eps: -1), "AdaGrad", "eps");

        using var adam = new Adam();
        AssertInvalid(() => adam.LearningRate = -1, "Adam", "lr");
        Assert.Equal(1e-3, adam.LearningRate);

        // A bad override is reported when the parameter is stepped, naming the parameter.
        using var scope = NewDisposeScope();
        var w = NewParameter([0.3, 0.7, -1.2]);
        Loss(w).backward();
        adam.PerParameter = _ => new OptimizerOptions { Beta2 = 1.0 };
        var e = AssertInvalid(() => { adam.Step([("w", w)]); return adam; }, "Adam", "beta2");
        Assert.Contains("'w'", e.Message, StringComparison.Ordinal);

        adam.PerParameter = null;
        AssertInvalid(() => { adam.Step([("w", w), ("w", w)]); return adam; }, "Adam", "parameters");
    }

    private static ArgumentException AssertInvalid(Func<object> action, string optimizer, string argument)
    {
        var e = Assert.Throws<ArgumentException>(action);
        Assert.StartsWith(optimizer, e.Message, StringComparison.Ordinal);
        Assert.Equal(argument, e.ParamName);
        return e;
    }
}
