using Ppl.Inference.Optim;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Ppl.Tests.Optim;

/// <summary>
/// Adam updates same-shaped parameters with default options a group at a time; every parameter
/// must follow exactly (bit for bit) the trajectory of its own per-parameter update.
/// </summary>
[Collection("Sequential")]
public sealed class FusedUpdateTests
{
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

    private static Adam Make(bool perParameter, double weightDecay) => new(lr: 0.05, beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: weightDecay)
    {
        // an (empty) override sends every parameter through the per-parameter update
        PerParameter = perParameter ? _ => new OptimizerOptions() : null,
    };

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    public void GroupedUpdatesAreBitIdenticalToPerParameterUpdates(double weightDecay)
    {
        using var scope = NewDisposeScope();
        var fused = MakeParameters();
        var single = MakeParameters();
        using var fusedAdam = Make(perParameter: false, weightDecay);
        using var singleAdam = Make(perParameter: true, weightDecay);
        for (int step = 0; step < 25; step++)
        {
            Train(fusedAdam, fused, step);
            Train(singleAdam, single, step);
            for (int i = 0; i < fused.Count; i++)
            {
                Assert.True(fused[i].Parameter.eq(single[i].Parameter).all().item<bool>(), $"{fused[i].Name} at step {step}: {fused[i].Parameter.str()} vs {single[i].Parameter.str()}");
            }
        }

        Assert.NotEqual(0.1 * -5, fused[0].Parameter.item<double>()); // it moved
    }

    [Fact]
    public void TwoOptimizersTakingTurnsOverTheSameParametersMatchPerParameterUpdates()
    {
        // each grouped optimizer keeps the group's values in its own buffer; the parameters must
        // follow whichever optimizer stepped them last, exactly as per-parameter updates do
        using var scope = NewDisposeScope();
        var fused = MakeParameters();
        var single = MakeParameters();
        using var fusedA = Make(perParameter: false, 0);
        using var fusedB = new Adam(lr: 0.02, beta1: 0.5, beta2: 0.9);
        using var singleA = Make(perParameter: true, 0);
        using var singleB = new Adam(lr: 0.02, beta1: 0.5, beta2: 0.9) { PerParameter = _ => new OptimizerOptions() };
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
        string path = Path.Combine(Path.GetTempPath(), $"ppl-fused-{Guid.NewGuid():N}.bin");
        try
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
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void GroupedUpdatesKeepTheLiveTensorCountFlat()
    {
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
