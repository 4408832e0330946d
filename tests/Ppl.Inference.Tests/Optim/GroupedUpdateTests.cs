using Ppl.Inference.Optim;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Ppl.Tests.Inference.Optim;

/// <summary>
/// With <see cref="Optimizer.GroupedUpdates"/>, same-shaped parameters with default options are
/// updated a group at a time; every parameter and its state must follow exactly (bit for bit) the
/// trajectory of the per-parameter loop, for every optimizer, with schedules and overrides. The
/// grouped optimizers run under <see cref="FastPaths.Enable"/> so the comparison means something
/// also in the CI run with <c>PPL_FAST_PATHS=off</c>.
/// </summary>
[Collection("Sequential")]
public sealed class GroupedUpdateTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ppl-grouped-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const int Scalars = 12;

    /// <summary>12 scalars, 3 of shape [2], one of shape [3] and, from step 10 on, 4 more scalars.</summary>
    private static List<(string Name, Parameter Parameter)> MakeParameters()
    {
        var ps = new List<(string, Parameter)>();
        for (int i = 0; i < Scalars; i++)
        {
            ps.Add(($"s{i}", new Parameter(tensor(0.1 * (i - 5), float64), requires_grad: true)));
        }

        for (int i = 0; i < 3; i++)
        {
            ps.Add(($"v{i}", new Parameter(tensor(new[] { 0.3 * i, -0.2 }, float64), requires_grad: true)));
        }

        ps.Add(("w", new Parameter(tensor(new[] { 0.5, -1.0, 2.0 }, float64), requires_grad: true)));
        for (int i = 0; i < 4; i++)
        {
            ps.Add(($"late{i}", new Parameter(tensor(0.7 * i, float64), requires_grad: true)));
        }

        return ps;
    }

    /// <summary>A non-separable loss with a different gradient for every coordinate.</summary>
    private static void Train(Optimizer optimizer, List<(string Name, Parameter Parameter)> ps, int step)
    {
        using var scope = NewDisposeScope();
        var active = step < 10 ? ps.Take(ps.Count - 4).ToList() : ps;
        Tensor loss = tensor(0.0, float64);
        for (int i = 0; i < active.Count; i++)
        {
            var p = active[i].Parameter;
            loss = loss.add(p.sub(0.3 * (i % 5)).pow(2).mul(1 + (0.1 * i)).sum()).add(p.sin().sum().mul(0.2 * step));
        }

        loss.backward();
        optimizer.Step(active);
        Optimizer.ZeroGrad(active.Select(a => a.Parameter));
    }

    private static Adam Make(bool perParameter, double weightDecay) =>
        new(lr: 0.05, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: weightDecay) { GroupedUpdates = !perParameter };

    /// <summary>
    /// <paramref name="kind"/> from <see cref="OptimTestUtil.Create"/> with a step schedule and
    /// overrides for two parameters (which the grouped optimizer then updates on their own).
    /// </summary>
    private static Optimizer MakeKind(string kind, bool grouped)
    {
        var optimizer = OptimTestUtil.Create(kind);
        optimizer.GroupedUpdates = grouped;
        optimizer.Schedule = LearningRateSchedule.Step(stepSize: 4, gamma: 0.7);
        optimizer.PerParameter = name => name switch
        {
            "s3" => new OptimizerOptions { LearningRate = 0.02 },
            "v1" => new OptimizerOptions { WeightDecay = 0.05 },
            _ => null,
        };
        return optimizer;
    }

    [Theory]
    [MemberData(nameof(OptimTestUtil.Kinds), MemberType = typeof(OptimTestUtil))]
    public void GroupedUpdatesAreBitIdenticalToPerParameterUpdates(string kind)
    {
        using var scope = NewDisposeScope();
        using var fast = FastPaths.Enable();
        var grouped = MakeParameters();
        var single = MakeParameters();
        using var groupedOptimizer = MakeKind(kind, grouped: true);
        using var singleOptimizer = MakeKind(kind, grouped: false);
        for (int step = 0; step < 25; step++)
        {
            Train(groupedOptimizer, grouped, step);
            Assert.True(groupedOptimizer.LastGroupedCount >= Scalars - 1, $"step {step}: {groupedOptimizer.LastGroupedCount} grouped");
            Train(singleOptimizer, single, step);
            Assert.Equal(0, singleOptimizer.LastGroupedCount);
            for (int i = 0; i < grouped.Count; i++)
            {
                Assert.True(grouped[i].Parameter.eq(single[i].Parameter).all().item<bool>(), $"{kind}: {grouped[i].Name} at step {step}: {grouped[i].Parameter.str()} vs {single[i].Parameter.str()}");
            }
        }

        Assert.NotEqual(0.1 * -5, grouped[0].Parameter.item<double>()); // it moved

        // the state too: both files hold the same names, update counts and tensor bytes
        string groupedPath = Path.Combine(_dir, "grouped.bin"), singlePath = Path.Combine(_dir, "single.bin");
        groupedOptimizer.Save(groupedPath);
        singleOptimizer.Save(singlePath);
        Assert.Equal(File.ReadAllBytes(singlePath), File.ReadAllBytes(groupedPath));
    }

    [Fact]
    public void GroupedUpdatesAreAFastPathTheSwitchTurnsOff()
    {
        using var scope = NewDisposeScope();
        var ps = MakeParameters();
        using var adam = Make(perParameter: false, 0);
        using (FastPaths.Enable())
        {
            Train(adam, ps, 0);
            Assert.Equal(Scalars + 3, adam.LastGroupedCount); // the 12 scalars and the three [2] vectors; w is alone
        }

        using (FastPaths.Disable())
        {
            Train(adam, ps, 1);
            Assert.Equal(0, adam.LastGroupedCount);
        }
    }

    [Fact]
    public void TwoOptimizersTakingTurnsOverTheSameParametersMatchPerParameterUpdates()
    {
        // each grouped optimizer keeps a copy of the group's values in its own buffer; the
        // parameters must follow whichever optimizer stepped them last, exactly as per-parameter
        // updates do
        using var scope = NewDisposeScope();
        using var fast = FastPaths.Enable();
        var fused = MakeParameters();
        var single = MakeParameters();
        using var fusedA = Make(perParameter: false, 0);
        using var fusedB = new Adam(lr: 0.02, beta1: 0.5, beta2: 0.9) { GroupedUpdates = true };
        using var singleA = Make(perParameter: true, 0);
        using var singleB = new Adam(lr: 0.02, beta1: 0.5, beta2: 0.9);
        for (int step = 0; step < 24; step++)
        {
            Train(step % 2 == 0 ? fusedA : fusedB, fused, step);
            Train(step % 2 == 0 ? singleA : singleB, single, step);
        }

        for (int i = 0; i < fused.Count; i++)
        {
            Assert.True(fused[i].Parameter.eq(single[i].Parameter).all().item<bool>(), $"{fused[i].Name}: {fused[i].Parameter.str()} vs {single[i].Parameter.str()}");
        }
    }

    [Fact]
    public void SaveAndLoadBetweenGroupedUpdatesContinueTheSameTrajectory()
    {
        using var scope = NewDisposeScope();
        using var fast = FastPaths.Enable();
        string path = Path.Combine(_dir, "state.bin");
        {
            var straight = MakeParameters();
            var resumed = MakeParameters();
            using var straightAdam = Make(perParameter: false, 0);
            using (var first = Make(perParameter: false, 0))
            {
                for (int step = 0; step < 12; step++)
                {
                    Train(first, resumed, step);
                }

                first.Save(path);
            }

            using var second = Make(perParameter: false, 0);
            second.Load(path);
            for (int step = 0; step < 20; step++)
            {
                Train(straightAdam, straight, step);
                if (step >= 12)
                {
                    Train(second, resumed, step);
                }
            }

            for (int i = 0; i < straight.Count; i++)
            {
                Assert.True(straight[i].Parameter.eq(resumed[i].Parameter).all().item<bool>(), straight[i].Name);
            }
        }
    }

    [Fact]
    public void GroupedUpdatesKeepTheLiveTensorCountFlat()
    {
        using var fast = FastPaths.Enable();
        var ps = MakeParameters();
        using var adam = Make(perParameter: false, 0);
        for (int step = 0; step < 12; step++)
        {
            Train(adam, ps, step);
        }

        long before = LiveTensors.Count();
        for (int step = 12; step < 200; step++)
        {
            Train(adam, ps, step);
        }

        Assert.Equal(before, LiveTensors.Count());
        foreach (var (_, p) in ps)
        {
            p.Dispose();
        }
    }
}
