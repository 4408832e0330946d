using Ppl.Effects;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests;

/// <summary>Plate shape errors and plate entry errors, as Pyro reports them.</summary>
[Collection("Sequential")]
public sealed class PlateShapeErrorParityTests
{
    private static void AssertShapeMismatch(Action model)
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() =>
        {
            using (new TraceMessenger().Install())
            {
                model();
            }
        });
        Assert.Contains("Shape mismatch inside plate", e.Message, StringComparison.Ordinal);
    }

    // ports pyro tests/infer/test_valid_models.py::test_plate_broadcast_error
    [Fact]
    public void PlateBroadcastError() => AssertShapeMismatch(() =>
    {
        using var plate = Plate("plate", 10, 5);
        Sample("x", F64.Normal64(0, 1).Expand(2));
    });

    // ports pyro tests/infer/test_valid_models.py::test_plate_wrong_size_error
    [Fact]
    public void PlateWrongSizeError() => AssertShapeMismatch(() =>
    {
        using var plate = Plate("plate", 10, 5);
        Sample("x", F64.Normal64(0, 1).Expand(6));
    });

    // ports pyro tests/infer/test_valid_models.py::test_nested_plate_plate_dim_error_2
    [Fact]
    public void NestedPlatePlateDimError2() => AssertShapeMismatch(() =>
    {
        using var outer = Plate("plate_outer", 10, 5);
        Sample("x", F64.Normal64(0, 1).Expand(5, 1, 1)); // Pyro's p has shape [1]: expand_by([5, 1]) gives [5, 1, 1]
        using var inner = Plate("plate_inner", 11, 6);
        Sample("y", F64.Normal64(0, 1).Expand(5, 1)); // error here: 5 at the inner plate's dim -2
    });

    // ports pyro tests/infer/test_valid_models.py::test_nested_plate_plate_dim_error_4
    [Fact]
    public void NestedPlatePlateDimError4() => AssertShapeMismatch(() =>
    {
        using var outer = Plate("plate_outer", 10, 5);
        using var inner = Plate("plate_inner", 11, 6);
        Sample("z", F64.Normal64(0, 1).Expand(5, 5)); // error here
    });

    // ports pyro tests/poutine/test_poutines.py::test_plate_error_on_enter
    [Fact]
    public void PlateErrorOnEnterLeavesTheStackAsItWas()
    {
        using var scope = NewDisposeScope();
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            int before = HandlerStack.Current.Count;
            Assert.Throws<ArgumentException>(() => { using var p = Plate("foo", 0); });
            using (Plate("bar", 3, dim: -2))
            {
            }

            Assert.Throws<ArgumentException>(() => { using var p = Plate("bar", 3, dim: -1); }); // re-entered with another dim
            Assert.Equal(before, HandlerStack.Current.Count);
        }
    }

    // ports pyro tests/poutine/test_poutines.py::test_plate_preserves_has_rsample
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void PlatePreservesHasRSample(int depth)
    {
        using var scope = NewDisposeScope();
        var loc = tensor(0.0, dtype: ScalarType.Float64, requires_grad: true);
        var tracer = new TraceMessenger();
        Tensor x;
        using (tracer.Install())
        {
            using var a = depth >= 1 ? Plate("plates_0", 2) : default;
            using var b = depth >= 2 ? Plate("plates_1", 2) : default;
            x = Sample("x", new Ppl.Distributions.Normal(loc, F64.T(1.0)));
        }

        Assert.Equal(depth, (int)x.dim());
        Assert.True(x.requires_grad);
    }
}
