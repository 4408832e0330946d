using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;
using MathNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Handlers;

/// <summary>
/// <c>Sample(name, d, obs:, obsMask:)</c> as Pyro's <c>sample(..., obs_mask=...)</c>: an observed
/// half <c>{name}_observed</c> masked by the mask, a latent half <c>{name}_unobserved</c> masked by
/// its negation, and the deterministic <c>{name}</c> interleaving them.
/// </summary>
[Collection("Sequential")]
public sealed class ObsMaskTests
{
    private static readonly double[] Data = [7.0, -2.0, 0.5];

    public static TheoryData<bool[]?> ShapeMasks => [null, [true], [true, false, true]];

    private static Tensor? Mask(bool[]? mask) => mask is null ? null : tensor(mask);

    // ports pyro tests/test_primitives.py::test_obs_mask_shape (all four masks: None, True, [True], [True, False, True])
    [Theory]
    [MemberData(nameof(ShapeMasks))]
    public void ObsMaskShape(bool[]? maskValues)
    {
        using var scope = NewDisposeScope();
        var data = randn(3, 2, dtype: ScalarType.Float64);
        var mask = Mask(maskValues);
        Func<bool, Tensor> model = _ =>
        {
            using (Plate("data", 3))
            {
                return Sample("y", MultivariateNormal.FromScaleTril(zeros(2, dtype: ScalarType.Float64), eye(2, dtype: ScalarType.Float64)), obs: data, obsMask: mask);
            }
        };

        var trace = model.GetTrace(false);

        AssertYShapes(trace, mask is null);
    }

    // ports pyro tests/test_primitives.py::test_obs_mask_shape[mask=torch.tensor(True)]
    [Fact]
    public void ObsMaskShapeScalarMask()
    {
        using var scope = NewDisposeScope();
        var data = randn(3, 2, dtype: ScalarType.Float64);
        Func<bool, Tensor> model = _ =>
        {
            using (Plate("data", 3))
            {
                return Sample("y", MultivariateNormal.FromScaleTril(zeros(2, dtype: ScalarType.Float64), eye(2, dtype: ScalarType.Float64)), obs: data, obsMask: tensor(true));
            }
        };

        AssertYShapes(model.GetTrace(false), plain: false);
    }

    private static void AssertYShapes(Trace trace, bool plain)
    {
        if (plain)
        {
            Assert.Equal(SiteKind.Sample, trace["y"].Kind);
            Assert.Equal([3L], trace["y"].Distribution!.BatchShape);
            Assert.Equal([2L], trace["y"].Distribution!.EventShape);
            Assert.False(trace.Contains("y_unobserved"));
            return;
        }

        // Pyro reads y's Delta; Ppl's deterministic site has no distribution, its halves carry the shapes
        foreach (var half in new[] { "y_observed", "y_unobserved" })
        {
            Assert.Equal([3L], trace[half].Distribution!.BatchShape);
            Assert.Equal([2L], trace[half].Distribution!.EventShape);
        }

        Assert.True(trace["y_observed"].IsObserved);
        Assert.True(trace["y_unobserved"].IsLatent);
        Assert.Equal(SiteKind.Deterministic, trace["y"].Kind);
        Assert.Equal([3L, 2L], trace["y"].Value!.shape);
    }

    public static TheoryData<bool[]> ValueMasks => [[true], [false], [false, true, false], [true, true, true], [false, false, false]];

    // ports the model assertion of pyro tests/infer/test_valid_models.py::test_obs_mask_ok: ((y == data) == mask).all()
    [Theory]
    [MemberData(nameof(ValueMasks))]
    public void ReturnsTheObservationWhereObservedAndTheDrawElsewhere(bool[] maskValues)
    {
        using var scope = NewDisposeScope();
        var data = F64.T(Data);
        var mask = tensor(maskValues);
        Func<bool, Tensor> model = _ =>
        {
            var x = Sample("x", F64.Normal64(0, 1));
            using (Plate("plate", 3))
            {
                return Sample("y", new Normal(x, F64.T(1.0)), obs: data, obsMask: mask);
            }
        };

        var (trace, y) = model.TraceRun(false);

        var expected = mask.expand(3);
        Assert.True(y.eq(data).eq(expected).all().item<bool>());
        var draws = trace["y_unobserved"].Value!;
        Assert.True(y.eq(draws).eq(expected.bitwise_not()).all().item<bool>());
        Assert.True(y.eq(trace["y"].Value!).all().item<bool>());
    }

    // the log joint counts each entry once: the observation where observed, the draw where missing (closed form by MathNet)
    [Theory]
    [MemberData(nameof(ValueMasks))]
    public void LogJointScoresObservedEntriesByDataAndMissingEntriesByTheirDraw(bool[] maskValues)
    {
        using var scope = NewDisposeScope();
        var data = F64.T(Data);
        var mask = tensor(maskValues);
        Func<bool, Tensor> model = _ =>
        {
            var x = Sample("x", F64.Normal64(0, 1));
            using (Plate("plate", 3))
            {
                return Sample("y", new Normal(x, F64.T(1.0)), obs: data, obsMask: mask);
            }
        };

        var (trace, y) = model.TraceRun(false);

        double x = F64.D(trace["x"].Value!);
        var values = F64.Values(y);
        double expected = MathNormal.PDFLn(0, 1, x) + values.Sum(v => MathNormal.PDFLn(x, 1, v));
        Assert.Equal(expected, F64.D(trace.LogProbSum()), 1e-10);
    }

    [Fact]
    public void EventShapedSitesAreObservedOrMissingPerEvent()
    {
        using var scope = NewDisposeScope();
        var data = full(4, 3, 7.0, dtype: ScalarType.Float64);
        var mask = tensor(new[] { false, true, true, false });
        Func<bool, Tensor> model = _ =>
        {
            var x = Sample("x", MultivariateNormal.FromCovariance(zeros(3, dtype: ScalarType.Float64), eye(3, dtype: ScalarType.Float64)));
            using (Plate("plate", 4))
            {
                return Sample("y", MultivariateNormal.FromCovariance(x, eye(3, dtype: ScalarType.Float64)), obs: data, obsMask: mask);
            }
        };

        var y = model.TraceRun(false).Value;

        // ports the assertion of pyro tests/infer/test_valid_models.py::test_obs_mask_multivariate_ok: ((y == data).all(-1) == mask).all()
        Assert.True(y.eq(data).all(-1).eq(mask).all().item<bool>());
    }

    // ports the error of pyro tests/infer/test_valid_models.py::test_obs_mask_multivariate_error: a mask including the event shape
    [Fact]
    public void AMaskWithEventDimsIsAnInvalidObsMaskShape()
    {
        using var scope = NewDisposeScope();
        var data = full(3, 2, 7.0, dtype: ScalarType.Float64);
        var mask = tensor(new[,] { { false, false }, { false, true }, { true, false } });
        Func<bool, Tensor> model = _ =>
        {
            var x = Sample("x", MultivariateNormal.FromCovariance(zeros(2, dtype: ScalarType.Float64), eye(2, dtype: ScalarType.Float64)));
            using (Plate("plate", 3))
            {
                return Sample("y", MultivariateNormal.FromCovariance(x, eye(2, dtype: ScalarType.Float64)), obs: data, obsMask: mask);
            }
        };

        var e = Assert.ThrowsAny<Exception>(() => model.GetTrace(false));
        var inner = e.InnerException ?? e;
        Assert.IsType<ArgumentException>(inner);
        Assert.Contains("invalid obsMask shape [3, 2]", inner.Message, StringComparison.Ordinal);
        Assert.Contains("batch shape [3]", inner.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMaskWiderThanTheBatchIsAnError()
    {
        using var scope = NewDisposeScope();
        var mask = tensor(new[] { true, false });
        Func<bool, Tensor> model = _ => Sample("y", F64.Normal64(0, 1), obs: F64.T(0.5), obsMask: mask);

        var e = Assert.ThrowsAny<Exception>(() => model.GetTrace(false));
        Assert.Contains("invalid obsMask shape [2]", (e.InnerException ?? e).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ANonBoolMaskIsAnError()
    {
        using var scope = NewDisposeScope();
        var e = Assert.Throws<ArgumentException>(() => Sample("y", F64.Normal64(0, 1), obs: F64.T(0.5), obsMask: tensor(1.0)));
        Assert.Contains("bool", e.Message, StringComparison.Ordinal);
        Assert.Contains("'y'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingEntryMayHoldAnyPlaceholderOfTheSupport()
    {
        using var scope = NewDisposeScope();
        var data = F64.T(1.0, 1e30, 2.0); // the middle entry is missing; its placeholder must not reach the value
        var mask = tensor(new[] { true, false, true });
        Func<bool, Tensor> model = _ =>
        {
            using (Plate("plate", 3))
            {
                return Sample("y", F64.Normal64(0, 1), obs: data, obsMask: mask);
            }
        };

        var (trace, y) = model.TraceRun(false);

        Assert.Equal(F64.D(trace["y_unobserved"].Value![1]), F64.D(y[1]));
        Assert.True(double.IsFinite(F64.D(trace.LogProbSum())));
    }

    [Fact]
    public void TheMasksAreTheSitesMasks()
    {
        using var scope = NewDisposeScope();
        var mask = tensor(new[] { true, false, true });
        Func<bool, Tensor> model = _ =>
        {
            using (Plate("plate", 3))
            {
                return Sample("y", F64.Normal64(0, 1), obs: F64.T(Data), obsMask: mask);
            }
        };

        var trace = model.GetTrace(false);

        Assert.True(trace["y_observed"].Mask!.eq(mask).all().item<bool>());
        Assert.True(trace["y_unobserved"].Mask!.eq(mask.bitwise_not()).all().item<bool>());
    }

    [Fact]
    public void ConditioningTheUnobservedHalfFillsTheMissingEntries()
    {
        using var scope = NewDisposeScope();
        var mask = tensor(new[] { true, false, true });
        var fill = F64.T(-5.0, -6.0, -7.0);
        Func<bool, Tensor> model = _ =>
        {
            using (Plate("plate", 3))
            {
                return Sample("y", F64.Normal64(0, 1), obs: F64.T(Data), obsMask: mask);
            }
        };

        var y = model.Condition(F64.Data(("y_unobserved", fill))).TraceRun(false).Value;

        F64.AssertClose([7.0, -6.0, 0.5], F64.Values(y), 0);
    }

    [Fact]
    public void RunsOnTheMetaDevice()
    {
        using var scope = NewDisposeScope();
        var meta = device("meta");
        var mask = tensor(new[] { true, false, true }).to(meta);
        Func<bool, Tensor> model = _ =>
        {
            using (Plate("plate", 3))
            {
                return Sample("y", new Normal(zeros(3, device: meta), ones(3, device: meta)), obs: zeros(3, device: meta), obsMask: mask);
            }
        };

        var (trace, y) = model.TraceRun(false);

        Assert.Equal(DeviceType.META, y.device_type);
        Assert.Equal([3L], y.shape);
        Assert.Equal(DeviceType.META, trace.LogProbSum().device_type);
    }
}
