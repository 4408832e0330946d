using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Inference.Optim;
using Ppl.Params;
using static TorchSharp.torch;
using Parameter = TorchSharp.Modules.Parameter;

namespace Ppl.Tests.Inference.Optim;

/// <summary>
/// An optimizer updates each parameter in its own storage: a view or alias of a parameter taken
/// before training (a detached alias, a reshaped view, the store's unconstrained tensor) keeps
/// following training. Earlier versions re-pointed same-shaped parameters at rows of the
/// optimizer's own buffer, after which such views silently kept the old values; the grouped
/// update now copies each row back instead, so this holds on both paths.
/// </summary>
[Collection("Sequential")]
public sealed class ParameterViewTests
{
    private static List<(string Name, Parameter Parameter)> Scalars(int count) =>
        [.. Enumerable.Range(0, count).Select(i => ($"s{i}", new Parameter(tensor(0.1 * (i - 3), float64), requires_grad: true)))];

    private static void Train(Optimizer optimizer, List<(string Name, Parameter Parameter)> ps, int step)
    {
        using var scope = NewDisposeScope();
        Tensor loss = tensor(0.0, float64);
        for (int i = 0; i < ps.Count; i++)
        {
            loss = loss.add(ps[i].Parameter.sub(0.2 * i).square().mul(1 + (0.1 * i))).add(ps[i].Parameter.sin().mul(0.1 * step));
        }

        loss.backward();
        optimizer.Step(ps);
        Optimizer.ZeroGrad(ps.Select(p => p.Parameter));
    }

    public static TheoryData<string, bool> KindsBothWays()
    {
        var data = new TheoryData<string, bool>();
        foreach (var kind in new[] { "Adam", "AdamWd", "ClippedAdam", "Sgd", "SgdMomentum", "SgdNesterov", "RmsProp", "RmsPropCentredMomentum", "AdaGrad" })
        {
            data.Add(kind, false);
            data.Add(kind, true);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KindsBothWays))]
    public void ViewsTakenBeforeTrainingFollowTraining(string kind, bool grouped)
    {
        using var scope = NewDisposeScope();
        using var fast = FastPaths.Enable();
        var ps = Scalars(8);
        var aliases = ps.Select(p => p.Parameter.detach()).ToList();
        var views = ps.Select(p => p.Parameter.view(1)).ToList();
        long[] offsets = [.. ps.Select(p => p.Parameter.storage_offset())];
        using var optimizer = OptimTestUtil.Create(kind);
        optimizer.GroupedUpdates = grouped;
        for (int step = 0; step < 6; step++)
        {
            Train(optimizer, ps, step);
        }

        for (int i = 0; i < ps.Count; i++)
        {
            double value = ps[i].Parameter.item<double>();
            Assert.NotEqual(0.1 * (i - 3), value); // it moved
            Assert.Equal(value, aliases[i].item<double>());
            Assert.Equal(value, views[i][0].item<double>());
            Assert.Equal(offsets[i], ps[i].Parameter.storage_offset());
        }
    }

    [Fact]
    public void TheStoresTensorsReadBeforeTrainingFollowTraining()
    {
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        for (int i = 0; i < 6; i++)
        {
            double init = 0.1 * i;
            using var inner = NewDisposeScope();
            store.GetOrCreate($"a{i}", new ParamSpec(() => tensor(init, dtype: float64), Constraints.Real));
        }

        double[] initial = [.. store.Names.Select(n => store.GetUnconstrained(n).item<double>())];
        var before = store.Names.ToDictionary(n => n, n => store.GetUnconstrained(n).detach());
        using var adam = new Adam(lr: 0.05);
        for (int step = 0; step < 5; step++)
        {
            using var inner = NewDisposeScope();
            Tensor loss = zeros([], float64);
            foreach (var name in store.Names)
            {
                loss = loss.add(store[name].sub(1.0).square());
            }

            loss.backward();
            adam.Step(store);
            Optimizer.ZeroGrad(store.Parameters);
        }

        foreach (var (name, i) in store.Names.Select((n, i) => (n, i)))
        {
            Assert.NotEqual(initial[i], store.GetUnconstrained(name).item<double>());
            Assert.Equal(store.GetUnconstrained(name).item<double>(), before[name].item<double>());
        }
    }
}
