using Ppl.Distributions;
using static Ppl.Primitives;
using static Ppl.Tests.Inference.Elbo.ValidModelAssertions;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Elbo;

/// <summary>
/// Cases of Pyro's tests/infer/test_valid_models.py about the checks every ELBO runs on a model
/// and guide pair, ported case by case: what Pyro accepts runs (without warnings), what it
/// rejects throws, what it warns about warns.
/// </summary>
[Collection("Sequential")]
public sealed class ValidModelsParityTests
{
    // ports pyro tests/infer/test_valid_models.py::test_model_guide_dim_mismatch_error
    [Theory]
    [MemberData(nameof(Estimators), MemberType = typeof(ValidModelAssertions))]
    public void test_model_guide_dim_mismatch_error(string estimator)
    {
        object? Model(int _) => Sample("x", new Normal(zeros(2), ones(2)).ToEvent(1));
        object? Guide(int _) => Sample("x", new Normal(Param("loc", zeros(2, 1)), Param("scale", ones(2, 1), Constraints.Positive)).ToEvent(2));

        // Pyro: "invalid log_prob shape|Model and guide event_dims disagree"; in Ppl the model's
        // site check sees the [2, 1] draw first (the same error as Pyro's shape check)
        var e = AssertError(Model, Guide, Make(estimator), "event_dims disagree", "does not fit");
        Assert.Contains("'x'", e.Message, StringComparison.Ordinal);
    }

    // ports pyro tests/infer/test_valid_models.py::test_model_guide_dim_mismatch_error, a guide
    // that forgets ToEvent: every shape agrees, only the event dims do not
    [Theory]
    [MemberData(nameof(Estimators), MemberType = typeof(ValidModelAssertions))]
    public void test_model_guide_dim_mismatch_error_guide_without_to_event(string estimator)
    {
        object? Model(int _) => Sample("x", new Normal(zeros(3), ones(3)).ToEvent(1));
        object? Guide(int _) => Sample("x", new Normal(Param("loc", zeros(3)), Param("scale", ones(3), Constraints.Positive)));

        var e = AssertError(Model, Guide, Make(estimator), "Model and guide event_dims disagree at site 'x': 1 vs 0");
        Assert.Contains("ToEvent", e.Message, StringComparison.Ordinal);
    }

    // ports pyro tests/infer/test_valid_models.py::test_model_guide_shape_mismatch_error
    [Theory]
    [MemberData(nameof(Estimators), MemberType = typeof(ValidModelAssertions))]
    public void test_model_guide_shape_mismatch_error(string estimator)
    {
        object? Model(int _) => Sample("x", new Normal(zeros(1, 2), ones(1, 2)).ToEvent(2));
        object? Guide(int _) => Sample("x", new Normal(Param("loc", zeros(2, 1)), Param("scale", ones(2, 1), Constraints.Positive)).ToEvent(2));

        AssertError(Model, Guide, Make(estimator), "Model and guide shapes disagree at site 'x': [1, 2] vs [2, 1]");
    }

    // the shape check between a guide outside a plate and a model inside it: one draw in the
    // guide, five independent ones in the model (Pyro: "Model and guide shapes disagree")
    [Theory]
    [MemberData(nameof(Estimators), MemberType = typeof(ValidModelAssertions))]
    public void test_model_guide_shape_mismatch_error_plate_in_model_only(string estimator)
    {
        object? Model(int _)
        {
            using var plate = Plate("plate", 5);
            return Sample("x", new Normal(tensor(0.0), 1.0));
        }

        object? Guide(int _) => Sample("x", new Normal(Param("loc", tensor(0.0)), 1.0));

        AssertError(Model, Guide, Make(estimator), "Model and guide shapes disagree at site 'x': [5] vs []");
    }

    // ports pyro tests/infer/test_valid_models.py::test_nested_plate_plate_dim_error_1: x is a
    // Bernoulli of batch [5, 1] inside a plate of 5 at dim -1, 25 terms where the plate declares 5
    [Theory]
    [InlineData("TraceElbo")]
    [InlineData("TraceGraphElbo")]
    public void test_nested_plate_plate_dim_error_1(string estimator)
    {
        object? Model(int _)
        {
            var p = tensor(new[] { 0.5 });
            using var outer = Plate("plate_outer", 10, 5);
            Sample("x", Bernoulli.FromProbs(p).Expand(5, 1)); // error here
            using var inner = Plate("plate_inner", 11, 6);
            Sample("y", Bernoulli.FromProbs(p).Expand(6, 1));
            Sample("z", Bernoulli.FromProbs(p).Expand(5, 6, 1));
            return null;
        }

        var e = AssertError(Model, Model, Make(estimator), "invalid log_prob shape");
        Assert.Contains("site 'x'", e.Message, StringComparison.Ordinal);
        Assert.Contains("expected [5], actual [5, 5]", e.Message, StringComparison.Ordinal);
    }

    // ports pyro tests/infer/test_valid_models.py::test_nested_plate_plate_dim_error_3
    [Theory]
    [InlineData("TraceElbo")]
    [InlineData("TraceGraphElbo")]
    public void test_nested_plate_plate_dim_error_3(string estimator)
    {
        object? Model(int _)
        {
            var p = tensor(new[] { 0.5 });
            using var outer = Plate("plate_outer", 10, 5);
            Sample("x", Bernoulli.FromProbs(p).Expand(5, 1, 1));
            using var inner = Plate("plate_inner", 11, 6);
            Sample("y", Bernoulli.FromProbs(p).Expand(6, 1));
            Sample("z", Bernoulli.FromProbs(p).Expand(6, 1, 1));
            return null;
        }

        AssertError(Model, Model, Make(estimator), "invalid log_prob shape", "Shape mismatch");
    }

    // ports pyro tests/infer/test_valid_models.py::test_plate_wrong_size_error
    [Fact]
    public void test_plate_wrong_size_error()
    {
        object? Model(int _)
        {
            using var plate = Plate("plate", 10, 5);
            return Sample("x", Bernoulli.FromProbs(tensor(0.5)).Expand(6));
        }

        object? Guide(int _)
        {
            var p = Param("p", tensor(0.5), Constraints.UnitInterval);
            using var plate = Plate("plate", 10, 5);
            return Sample("x", Bernoulli.FromProbs(p).Expand(6));
        }

        AssertError(Model, Guide, Make("TraceGraphElbo"), "Shape mismatch inside plate");
    }

    // the brief's case: an observation of batch [5, 1] inside a plate of 5 (observed sites are checked too)
    [Theory]
    [MemberData(nameof(Estimators), MemberType = typeof(ValidModelAssertions))]
    public void test_nested_plate_plate_dim_error_1_observed(string estimator)
    {
        object? Model(int _)
        {
            var loc = Sample("loc", new Normal(tensor(0.0), 1.0));
            using var data = Plate("data", 5);
            return Sample("obs", new Normal(loc.expand(5, 1), 1.0), obs: zeros(5, 1));
        }

        object? Guide(int _) => Sample("loc", new Normal(Param("m", tensor(0.0)), 1.0));

        var e = AssertError(Model, Guide, Make(estimator), "invalid log_prob shape");
        Assert.Contains("model site 'obs'", e.Message, StringComparison.Ordinal);
    }

    // an undeclared batch dim in the guide: Pyro runs check_site_shape on the guide's sites too.
    // Model and guide agree on the shape [3], but only the model declares the 3 draws independent
    [Theory]
    [MemberData(nameof(Estimators), MemberType = typeof(ValidModelAssertions))]
    public void test_site_shape_checked_in_guide(string estimator)
    {
        object? Model(int _)
        {
            using var plate = Plate("plate", 3);
            return Sample("x", new Normal(tensor(0.0), 1.0));
        }

        object? Guide(int _) => Sample("x", new Normal(Param("loc", zeros(3)), 1.0));

        var e = AssertError(Model, Guide, Make(estimator), "invalid log_prob shape");
        Assert.Contains("guide site 'x'", e.Message, StringComparison.Ordinal);
        Assert.Contains("expected [], actual [3]", e.Message, StringComparison.Ordinal);
    }

    // pyro/util.py check_site_shape: a plate left of max_plate_nesting is a "plate stack overflow"
    [Theory]
    [MemberData(nameof(Estimators), MemberType = typeof(ValidModelAssertions))]
    public void check_site_shape_plate_stack_overflow(string estimator)
    {
        object? Model(int _)
        {
            using var plate = Plate("plate", 3, dim: -2);
            return Sample("x", new Normal(tensor(0.0), 1.0));
        }

        object? Guide(int _)
        {
            var loc = Param("loc", tensor(0.0));
            using var plate = Plate("plate", 3, dim: -2);
            return Sample("x", new Normal(loc, 1.0));
        }

        AssertError(Model, Guide, Make(estimator, maxPlateNesting: 1), "plate stack overflow", "MaxPlateNesting to at least 2");
    }

    // pyro/util.py check_site_shape and check_model_guide_match: dims left of max_plate_nesting
    // are not checked, and model and guide shapes may broadcast there
    [Theory]
    [MemberData(nameof(Estimators), MemberType = typeof(ValidModelAssertions))]
    public void check_site_shape_ignores_dims_left_of_max_plate_nesting(string estimator)
    {
        object? Model(int _)
        {
            using var plate = Plate("plate", 5);
            return Sample("x", new Normal(zeros(3, 1), 1.0));
        }

        object? Guide(int _)
        {
            var loc = Param("loc", zeros(5));
            using var plate = Plate("plate", 5);
            return Sample("x", new Normal(loc, 1.0));
        }

        AssertOk(Model, Guide, Make(estimator, maxPlateNesting: 1));
        AssertError(Model, Guide, Make(estimator), "Model and guide shapes disagree at site 'x': [3, 5] vs [5]");
    }

    // ports pyro tests/infer/test_valid_models.py::test_plate_shape_broadcasting: p's component
    // dim (-1) sits between declared dims in the observation; Pyro leaves such a dim unchecked
    [Fact]
    public void test_plate_shape_broadcasting()
    {
        var data = ones(1000, 2);
        object? Model(int _)
        {
            using var particles = Plate("num_particles", 10, dim: -3);
            Tensor p;
            using (Plate("components", 2, dim: -1))
            {
                p = Sample("p", new Beta(tensor(1.1), tensor(1.1)));
                Assert.Equal(new long[] { 10, 1, 2 }, p.shape);
            }

            using var rows = Plate("data", data.shape[0], dim: -2);
            return Sample("obs", Bernoulli.FromProbs(p), obs: data);
        }

        object? Guide(int _)
        {
            using var particles = Plate("num_particles", 10, dim: -3);
            using var components = Plate("components", 2, dim: -1);
            return Sample("p", new Beta(tensor(1.1), tensor(1.1)));
        }

        AssertOk(Model, Guide, Make("TraceElbo"));
    }

    // ports pyro tests/infer/test_valid_models.py::test_vectorized_num_particles
    [Theory]
    [InlineData("TraceElbo")]
    [InlineData("TraceGraphElbo")]
    public void test_vectorized_num_particles(string estimator)
    {
        var data = ones(1000, 2);
        object? Model(int _)
        {
            using var components = Plate("components", 2);
            var p = Sample("p", new Beta(tensor(1.1), tensor(1.1)));
            Assert.Equal(new long[] { 10, 1, 2 }, p.shape);
            using var rows = Plate("data", data.shape[0]);
            return Sample("obs", Bernoulli.FromProbs(p), obs: data);
        }

        object? Guide(int _)
        {
            using var components = Plate("components", 2);
            return Sample("p", new Beta(tensor(1.1), tensor(1.1)));
        }

        Ppl.Inference.Elbo elbo = estimator == "TraceElbo"
            ? new Ppl.Inference.TraceElbo { NumParticles = 10, VectorizeParticles = true, MaxPlateNesting = 2 }
            : new Ppl.Inference.TraceGraphElbo { NumParticles = 10, VectorizeParticles = true, MaxPlateNesting = 2 };
        AssertOk(Model, Guide, elbo);
    }

    // ports pyro tests/infer/test_valid_models.py::test_dim_allocation_ok
    [Theory]
    [InlineData("TraceElbo")]
    [InlineData("TraceGraphElbo")]
    public void test_dim_allocation_ok(string estimator)
    {
        object? Model(int _)
        {
            var p = tensor(0.5);
            Tensor x, y, z, q;
            using (Plate("plate_outer", 10, 5, dim: -3))
            {
                x = Sample("x", Bernoulli.FromProbs(p));
                using (Plate("plate_inner_1", 11, 6))
                {
                    y = Sample("y", Bernoulli.FromProbs(p)); // allocated dim is rightmost available, i.e. -1
                    using (Plate("plate_inner_2", 12, 7))
                    {
                        z = Sample("z", Bernoulli.FromProbs(p)); // next rightmost available, i.e. -2
                        using (Plate("plate_inner_3", 13, 8))
                        {
                            q = Sample("q", Bernoulli.FromProbs(p)); // -3 is taken: -4
                        }
                    }
                }
            }

            Assert.Equal(new long[] { 5, 1, 1 }, x.shape);
            Assert.Equal(new long[] { 5, 1, 6 }, y.shape);
            Assert.Equal(new long[] { 5, 7, 6 }, z.shape);
            Assert.Equal(new long[] { 8, 5, 7, 6 }, q.shape);
            return null;
        }

        AssertOk(Model, Model, Make(estimator, maxPlateNesting: 4));
    }

    // ports pyro tests/infer/test_valid_models.py::test_nested_plate_plate_ok
    [Theory]
    [MemberData(nameof(Estimators), MemberType = typeof(ValidModelAssertions))]
    public void test_nested_plate_plate_ok(string estimator)
    {
        object? Model(int _)
        {
            var p = tensor(0.5);
            using var outer = Plate("plate_outer", 10, 5);
            Sample("x", Bernoulli.FromProbs(p).Expand(5));
            using var inner = Plate("plate_inner", 11, 6);
            return Sample("y", Bernoulli.FromProbs(p).Expand(6, 5));
        }

        AssertOk(Model, Model, Make(estimator));
    }

    // ports pyro tests/infer/test_valid_models.py::test_nonnested_plate_plate_ok
    [Theory]
    [MemberData(nameof(Estimators), MemberType = typeof(ValidModelAssertions))]
    public void test_nonnested_plate_plate_ok(string estimator)
    {
        object? Model(int _)
        {
            var p = tensor(0.5);
            using (Plate("plate_0", 10, 5))
            {
                Sample("x0", Bernoulli.FromProbs(p).Expand(5));
            }

            using (Plate("plate_1", 11, 6))
            {
                Sample("x1", Bernoulli.FromProbs(p).Expand(6));
            }

            return null;
        }

        AssertOk(Model, Model, Make(estimator));
    }

    // ports pyro tests/infer/test_valid_models.py::test_iplate_in_guide_not_model_error (subsample)
    [Theory]
    [MemberData(nameof(Estimators), MemberType = typeof(ValidModelAssertions))]
    public void test_iplate_in_guide_not_model_error(string estimator)
    {
        object? Model(int _) => Sample("x", Bernoulli.FromProbs(tensor(0.5)));

        object? Guide(int _)
        {
            var p = Param("p", tensor(0.5), Constraints.UnitInterval);
            foreach (var i in SequentialPlate("plate", 10, 5))
            {
            }

            return Sample("x", Bernoulli.FromProbs(p));
        }

        AssertError(Model, Guide, Make(estimator), "Found plate statements in guide but not model: {'plate'}");
    }

    // the same check for a vectorized plate the guide enters and the model does not
    [Theory]
    [MemberData(nameof(Estimators), MemberType = typeof(ValidModelAssertions))]
    public void test_iplate_in_guide_not_model_error_vectorized(string estimator)
    {
        object? Model(int _) => Sample("x", Bernoulli.FromProbs(tensor(0.5)));

        object? Guide(int _)
        {
            var p = Param("p", tensor(0.5), Constraints.UnitInterval);
            using (Plate("plate", 10))
            {
            }

            return Sample("x", Bernoulli.FromProbs(p));
        }

        AssertError(Model, Guide, Make(estimator), "Found plate statements in guide but not model: {'plate'}");
    }

    // ports pyro tests/infer/test_valid_models.py::test_iplate_in_model_not_guide_ok
    [Theory]
    [MemberData(nameof(Estimators), MemberType = typeof(ValidModelAssertions))]
    public void test_iplate_in_model_not_guide_ok(string estimator)
    {
        object? Model(int _)
        {
            foreach (var i in SequentialPlate("plate", 10, 5))
            {
            }

            return Sample("x", Bernoulli.FromProbs(tensor(0.5)));
        }

        object? Guide(int _) => Sample("x", Bernoulli.FromProbs(Param("p", tensor(0.5), Constraints.UnitInterval)));

        AssertOk(Model, Guide, Make(estimator));
    }
}
