using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Inference.Optim;
using Ppl.Params;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Optim;

/// <summary>
/// With <see cref="Optimizer.GroupedUpdates"/>, Adam updates a group of same-shaped parameters as
/// one stack and copies each row back. Seen through a <see cref="ParamStore"/>, nothing may change:
/// the store keeps the same parameter objects in their own storage, values read after a step are
/// the updated ones, saving and loading round-trip them, and every trajectory is bit-identical to
/// the per-parameter loop, also while the groups change membership.
/// </summary>
[Collection("Sequential")]
public sealed class GroupedParamStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ppl-fused-store-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>
    /// Five real scalars, three positive [3] vectors and two real [3] vectors (the same
    /// unconstrained shape: one group of five) and a real [2, 2] matrix on its own.
    /// </summary>
    private static ParamStore MakeStore()
    {
        var store = new ParamStore();
        for (int i = 0; i < 5; i++)
        {
            double init = 0.1 * (i - 2);
            Create(store, $"a{i}", () => tensor(init, dtype: float64), Constraints.Real);
        }

        for (int i = 0; i < 3; i++)
        {
            double k = i;
            Create(store, $"p{i}", () => tensor(new[] { 0.5 + k, 1.0, 2.0 - (0.3 * k) }, dtype: float64), Constraints.Positive);
        }

        for (int i = 0; i < 2; i++)
        {
            double k = i;
            Create(store, $"v{i}", () => tensor(new[] { -k, 0.2, 0.4 * k }, dtype: float64), Constraints.Real);
        }

        Create(store, "m", () => tensor(new[] { 1.0, -1.0, 0.5, 0.0 }, dtype: float64).reshape(2, 2), Constraints.Real);
        return store;
    }

    private static void Create(ParamStore store, string name, Func<Tensor> init, Constraint constraint)
    {
        using var scope = NewDisposeScope();
        store.GetOrCreate(name, new ParamSpec(init, constraint));
    }

    private static Adam MakeAdam(bool perParameter) => new(lr: 0.05, beta1: 0.8, beta2: 0.99, eps: 1e-6) { GroupedUpdates = !perParameter };

    /// <summary>A non-separable loss of the constrained values of <paramref name="active"/>, then one step over the store.</summary>
    private static void Train(ParamStore store, Adam adam, IReadOnlyList<string> active, int step)
    {
        using var scope = NewDisposeScope();
        // the grouped path is a fast path: take it also where the process has them off
        using var fast = FastPaths.Enable();
        Tensor loss = zeros([], float64);
        Tensor? previous = null;
        for (int i = 0; i < active.Count; i++)
        {
            var v = store[active[i]];
            loss = loss.add(v.sub(0.3 * (i % 4)).square().mul(1 + (0.1 * i)).sum()).add(v.sin().sum().mul(0.2 * step));
            if (previous is not null)
            {
                loss = loss.add(previous.sum().mul(v.sum()).mul(0.05));
            }

            previous = v;
        }

        loss.backward();
        adam.Step(store);
        Optimizer.ZeroGrad(store.Parameters);
    }

    private static bool Identical(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static void AssertStoresIdentical(ParamStore fused, ParamStore single, string when)
    {
        Assert.Equal(single.Names, fused.Names);
        using var scope = NewDisposeScope();
        foreach (var name in single.Names)
        {
            Assert.True(Identical(single.GetUnconstrained(name), fused.GetUnconstrained(name)), $"{name} {when}: {fused.GetUnconstrained(name).str()} vs {single.GetUnconstrained(name).str()}");
            Assert.True(Identical(single[name], fused[name]), $"store[{name}] {when}");
        }
    }

    private static readonly string[] Initial = ["a0", "a1", "a2", "a3", "a4", "p0", "p1", "p2", "v0", "v1", "m"];

    [Fact]
    public void StoreKeepsItsParameterObjectsAndReadsTheUpdatedValues()
    {
        using var scope = NewDisposeScope();
        using var fused = MakeStore();
        using var single = MakeStore();
        var objects = fused.Names.ToDictionary(n => n, n => fused.GetUnconstrained(n));
        using var fusedAdam = MakeAdam(perParameter: false);
        using var singleAdam = MakeAdam(perParameter: true);
        var before = fused.Names.ToDictionary(n => n, n => fused.GetUnconstrained(n).detach().clone());
        var aliases = fused.Names.ToDictionary(n => n, n => fused.GetUnconstrained(n).detach());
        for (int step = 0; step < 10; step++)
        {
            Train(fused, fusedAdam, Initial, step);
            Train(single, singleAdam, Initial, step);
        }

        // the group members were updated in their own storage, not re-pointed at the optimizer's buffer
        foreach (var name in fused.Names)
        {
            Assert.Equal(0, fused.GetUnconstrained(name).storage_offset());
            Assert.True(Identical(aliases[name], fused.GetUnconstrained(name)), $"an alias of {name} taken before training");
        }

        Assert.True(fusedAdam.LastGroupedCount > 0);

        foreach (var name in fused.Names)
        {
            Assert.Same(objects[name], fused.GetUnconstrained(name));
            Assert.True(fused.GetUnconstrained(name).requires_grad, name);
            Assert.True(fused.GetUnconstrained(name).is_leaf, name);
            Assert.False(Identical(before[name], fused.GetUnconstrained(name)), $"{name} did not move");
        }

        AssertStoresIdentical(fused, single, "after 10 steps");

        // a constrained value read now is the bijection of the updated parameter
        foreach (var name in new[] { "p0", "p2" })
        {
            Assert.True(Identical(fused.GetUnconstrained(name).detach().exp(), fused[name].detach()), name);
        }
    }

    [Fact]
    public void SaveAndLoadRoundTripTheUpdatedValuesAndTrainingContinuesOnThem()
    {
        using var scope = NewDisposeScope();
        using var fused = MakeStore();
        using var single = MakeStore();
        using var fusedAdam = MakeAdam(perParameter: false);
        using var singleAdam = MakeAdam(perParameter: true);
        string fusedPath = Path.Combine(_dir, "fused.bin");
        string singlePath = Path.Combine(_dir, "single.bin");
        for (int step = 0; step < 10; step++)
        {
            Train(fused, fusedAdam, Initial, step);
            Train(single, singleAdam, Initial, step);
        }

        fused.Save(fusedPath);
        single.Save(singlePath);
        var saved = fused.Names.ToDictionary(n => n, n => fused.GetUnconstrained(n).detach().clone());

        // a fresh store reads back exactly the trained values
        using (var fresh = new ParamStore())
        {
            fresh.Load(fusedPath);
            Assert.Equal(fused.Names, fresh.Names);
            foreach (var name in fused.Names)
            {
                Assert.True(Identical(saved[name], fresh.GetUnconstrained(name)), name);
                Assert.True(Identical(fused[name], fresh[name]), $"store[{name}]");
            }
        }

        // train on, then load the saved values back into the live stores: the fused update must
        // continue from the loaded values (Load writes into the parameters' storage)
        for (int step = 10; step < 15; step++)
        {
            Train(fused, fusedAdam, Initial, step);
            Train(single, singleAdam, Initial, step);
        }

        fused.Load(fusedPath);
        single.Load(singlePath);
        foreach (var name in fused.Names)
        {
            Assert.True(Identical(saved[name], fused.GetUnconstrained(name)), $"{name} after Load");
        }

        for (int step = 15; step < 25; step++)
        {
            Train(fused, fusedAdam, Initial, step);
            Train(single, singleAdam, Initial, step);
            AssertStoresIdentical(fused, single, $"at step {step} after Load");
        }
    }

    [Fact]
    public void ThirtyStepsAreBitIdenticalToThePerParameterPath()
    {
        using var scope = NewDisposeScope();
        using var fused = MakeStore();
        using var single = MakeStore();
        using var fusedAdam = MakeAdam(perParameter: false);
        using var singleAdam = MakeAdam(perParameter: true);
        for (int step = 0; step < 30; step++)
        {
            Train(fused, fusedAdam, Initial, step);
            Train(single, singleAdam, Initial, step);
            AssertStoresIdentical(fused, single, $"at step {step}");
        }
    }

    [Fact]
    public void GroupsThatLoseAndGainMembersStayBitIdenticalToThePerParameterPath()
    {
        // steps 0–9 all; 10–19 without a2 and v0 (the scalar and vector groups shrink); from 12 on
        // two new scalars (a group of their own); from 20 a2 and v0 are back (behind in update
        // count: alone) and n0 is gone (n1 alone); from 25 n0 is back
        using var scope = NewDisposeScope();
        using var fused = MakeStore();
        using var single = MakeStore();
        using var fusedAdam = MakeAdam(perParameter: false);
        using var singleAdam = MakeAdam(perParameter: true);
        var objects = new Dictionary<string, TorchSharp.Modules.Parameter>(StringComparer.Ordinal);
        for (int step = 0; step < 30; step++)
        {
            if (step == 12)
            {
                foreach (var store in new[] { fused, single })
                {
                    Create(store, "n0", () => tensor(0.9, dtype: float64), Constraints.Real);
                    Create(store, "n1", () => tensor(-0.6, dtype: float64), Constraints.Real);
                }
            }

            var active = Initial.ToList();
            if (step is >= 10 and < 20)
            {
                active.Remove("a2");
                active.Remove("v0");
            }

            if (step >= 12 && step is < 20 or >= 25)
            {
                active.Add("n0");
            }

            if (step >= 12)
            {
                active.Add("n1");
            }

            Train(fused, fusedAdam, active, step);
            Train(single, singleAdam, active, step);
            AssertStoresIdentical(fused, single, $"at step {step}");
            foreach (var name in fused.Names)
            {
                var p = fused.GetUnconstrained(name);
                Assert.Same(objects.TryAdd(name, p) ? p : objects[name], p);
            }
        }
    }
}
