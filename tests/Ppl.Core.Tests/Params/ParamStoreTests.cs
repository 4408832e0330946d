using Ppl.Distributions;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Params;

[Collection("Sequential")]
public sealed class ParamStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("ppl-params-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void ParamOutsideAnyStoreReturnsItsInitialValue()
    {
        using var scope = NewDisposeScope();
        var init = tensor(new[] { 1.0, 2.0 }, dtype: float64);
        Assert.True(Param("w", init).eq(init).all().item<bool>());
        Assert.Throws<InvalidOperationException>(() => Param("w"));
    }

    [Fact]
    public void StoreCreatesOnceKeepsUnconstrainedAndReturnsConstrained()
    {
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        using (store.Activate())
        {
            var first = Param("s", () => tensor(2.0, dtype: float64), Constraints.Positive);
            var second = Param("s", () => tensor(99.0, dtype: float64), Constraints.Positive);
            Assert.Equal(2.0, first.item<double>(), 12);
            Assert.Equal(2.0, second.item<double>(), 12); // the init of a later call is ignored
        }

        Assert.Equal(Math.Log(2.0), store.GetUnconstrained("s").item<double>(), 12);
        Assert.True(store.GetUnconstrained("s").requires_grad);
        Assert.Equal(new[] { "s" }, store.Names);
    }

    [Fact]
    public void IntervalConstrainedParamRoundTripsThroughTheSigmoid()
    {
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        using (store.Activate())
        {
            var p = Param("p", () => tensor(0.25, dtype: float64), Constraints.Interval(0, 0.5));
            Assert.Equal(0.25, p.item<double>(), 12);
        }

        Assert.Equal(0.0, store.GetUnconstrained("p").item<double>(), 12); // logit(0.25 / 0.5) = 0
    }

    [Fact]
    public void InitOutsideTheConstraintThrowsNamingTheParam()
    {
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        using (store.Activate())
        {
            var e = Assert.Throws<ArgumentException>(() => Param("scale", () => tensor(-1.0), Constraints.Positive));
            Assert.Contains("scale", e.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void GradientsFlowToTheUnconstrainedParameter()
    {
        using var scope = NewDisposeScope();
        using var store = new ParamStore();
        using (store.Activate())
        {
            var s = Param("s", () => tensor(3.0, dtype: float64), Constraints.Positive);
            s.backward();
        }

        // d exp(u) / du = exp(u) = 3
        Assert.Equal(3.0, store.GetUnconstrained("s").grad!.item<double>(), 12);
    }

    [Fact]
    public void SaveLoadRoundTripRestoresValuesConstraintsAndOrder()
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(_dir, "params.bin");
        using (var store = new ParamStore())
        {
            using (store.Activate())
            {
                Param("w", () => tensor(new[] { 1.0, -2.0, 3.5 }, dtype: float64));
                Param("s", () => tensor(new[] { 0.5f, 4f }), Constraints.Positive);
                Param("p", () => tensor(0.3, dtype: float64), Constraints.UnitInterval);
            }

            store.Save(path);
        }

        using var loaded = new ParamStore();
        loaded.Load(path);
        Assert.Equal(new[] { "w", "s", "p" }, loaded.Names);
        Assert.Equal(new[] { 1.0, -2.0, 3.5 }, loaded["w"].data<double>().ToArray());
        Assert.Equal(new[] { 0.5f, 4f }, loaded["s"].data<float>().ToArray().Select(v => MathF.Round(v, 5)).ToArray());
        Assert.Equal(ScalarType.Float32, loaded["s"].dtype);
        Assert.Equal(0.3, loaded["p"].item<double>(), 12);
        Assert.Equal(Constraints.Positive, loaded.GetConstraint("s"));
        Assert.True(loaded.GetUnconstrained("w").requires_grad);
    }

    [Fact]
    public void LoadIntoExistingParametersOverwritesInPlace()
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(_dir, "p.bin");
        using var source = new ParamStore();
        using (source.Activate())
        {
            Param("w", () => tensor(new[] { 5.0, 6.0 }, dtype: float64));
        }

        source.Save(path);
        using var target = new ParamStore();
        using (target.Activate())
        {
            Param("w", () => zeros(2, dtype: float64));
        }

        var before = target.GetUnconstrained("w");
        target.Load(path);
        Assert.Same(before, target.GetUnconstrained("w"));
        Assert.Equal(new[] { 5.0, 6.0 }, target["w"].data<double>().ToArray());
    }

    [Fact]
    public void MismatchedShapeOnLoadThrowsAndChangesNothing()
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(_dir, "m.bin");
        using var source = new ParamStore();
        using (source.Activate())
        {
            Param("a", () => tensor(1.0, dtype: float64));
            Param("w", () => zeros(3, dtype: float64));
        }

        source.Save(path);
        using var target = new ParamStore();
        using (target.Activate())
        {
            Param("a", () => tensor(7.0, dtype: float64));
            Param("w", () => zeros(4, dtype: float64));
        }

        var e = Assert.Throws<InvalidOperationException>(() => target.Load(path));
        Assert.Contains("'w'", e.Message, StringComparison.Ordinal);
        Assert.Contains("[3]", e.Message, StringComparison.Ordinal);
        Assert.Contains("[4]", e.Message, StringComparison.Ordinal);
        Assert.Equal(7.0, target["a"].item<double>(), 12); // checked whole before any change
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("magic")]
    [InlineData("length")]
    [InlineData("trailing")]
    public void CorruptFileThrowsInvalidDataExceptionNamingThePath(string damage)
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(_dir, damage + ".bin");
        using (var store = new ParamStore())
        {
            using (store.Activate())
            {
                Param("weights", () => ones(8, dtype: float64));
            }

            store.Save(path);
        }

        var bytes = File.ReadAllBytes(path).ToList();
        switch (damage)
        {
            case "truncate":
                bytes.RemoveRange(bytes.Count - 20, 20);
                break;
            case "magic":
                bytes[0] = (byte)'X';
                break;
            case "length":
                // the byte-length field sits right before the 64 data bytes and the 16-byte trailer
                int lengthAt = bytes.Count - 16 - 64 - 8;
                bytes[lengthAt] ^= 0x08;
                break;
            case "trailing":
                bytes.Add(0);
                break;
        }

        File.WriteAllBytes(path, [.. bytes]);
        using var target = new ParamStore();
        var e = Assert.Throws<InvalidDataException>(() => target.Load(path));
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Equal(0, target.Count);
    }

    [Fact]
    public void ModuleRegistersItsParametersAndLoadsStoredValuesIntoIt()
    {
        using var scope = NewDisposeScope();
        string path = Path.Combine(_dir, "module.bin");
        using var first = nn.Linear(2, 1, dtype: float64);
        using (var store = new ParamStore())
        {
            using (store.Activate())
            {
                Module("net", first);
            }

            Assert.Equal(new[] { "net$weight", "net$bias" }, store.Names);
            Assert.Same(first.weight, store.GetUnconstrained("net$weight"));
            store.Save(path);
        }

        using var second = nn.Linear(2, 1, dtype: float64);
        using var restored = new ParamStore();
        restored.Load(path);
        using (restored.Activate())
        {
            Module("net", second);
        }

        Assert.Equal(first.weight!.data<double>().ToArray(), second.weight!.data<double>().ToArray());
        Assert.Equal(first.bias!.data<double>().ToArray(), second.bias!.data<double>().ToArray());
        Assert.Same(second.weight, restored.GetUnconstrained("net$weight"));
    }
}
