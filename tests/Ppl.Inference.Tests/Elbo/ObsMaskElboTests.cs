using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Optim;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Elbo;

/// <summary>
/// <c>obs_mask</c> under every ELBO: the cases of pyro tests/infer/test_valid_models.py that use
/// it, with Pyro's hand-written guides (which mask <c>y_unobserved</c> by the negated mask).
/// </summary>
[Collection("Sequential")]
public sealed class ObsMaskElboTests
{
    private static readonly string[] Elbos = ["TraceElbo", "TraceGraphElbo", "TraceMeanFieldElbo"];

    private static readonly bool[][] ScalarMasks = [[true], [false], [false, true, false]];

    private static Ppl.Inference.Elbo Make(string name, int particles) => name switch
    {
        "TraceElbo" => new TraceElbo { NumParticles = particles, VectorizeParticles = true },
        "TraceGraphElbo" => new TraceGraphElbo { NumParticles = particles, VectorizeParticles = true },
        _ => new TraceMeanFieldElbo { NumParticles = particles, VectorizeParticles = true },
    };

    // Pyro's grid: Elbo × mask × num_particles. Its masks torch.tensor(True) and torch.tensor([True])
    // (and False) are the scalar flag (0-dim) and the one-entry vector: both are run.
    public static TheoryData<string, bool[], bool, int> ObsMaskGrid()
    {
        var data = new TheoryData<string, bool[], bool, int>();
        foreach (var elbo in Elbos)
        {
            foreach (var mask in ScalarMasks)
            {
                foreach (bool zeroDim in mask.Length == 1 ? new[] { true, false } : [false])
                {
                    foreach (int particles in new[] { 1, 2 })
                    {
                        data.Add(elbo, mask, zeroDim, particles);
                    }
                }
            }
        }

        return data;
    }

    private static Tensor MaskTensor(bool[] values, bool zeroDim) => zeroDim ? tensor(values[0]) : tensor(values);

    // ports pyro tests/infer/test_valid_models.py::test_obs_mask_ok (TraceEnum_ELBO has no Ppl counterpart)
    [Theory]
    [MemberData(nameof(ObsMaskGrid))]
    public void ObsMaskOk(string elbo, bool[] maskValues, bool zeroDim, int particles)
    {
        using var scope = NewDisposeScope();
        var data = tensor(new[] { 7.0f, 7.0f, 7.0f });
        var mask = MaskTensor(maskValues, zeroDim);
        object? Model(bool _)
        {
            var x = Sample("x", new Normal(0.0, 1.0));
            using (Plate("plate", 3))
            {
                var y = Sample("y", new Normal(x, 1.0), obs: data, obsMask: mask);
                Assert.True(y.eq(data).eq(mask).all().item<bool>());
            }

            return null;
        }

        object? Guide(bool _)
        {
            var loc = Param("loc", () => zeros(1).squeeze());
            var scale = Param("scale", () => ones(1).squeeze(), Constraints.Positive);
            var x = Sample("x", new Normal(loc, scale));
            using (Plate("plate", 3))
            using (new Ppl.Handlers.MaskMessenger(mask.bitwise_not()).Install())
            {
                Sample("y_unobserved", new Normal(x, 1.0));
            }

            return null;
        }

        using var opt = new Adam(1e-6);
        var svi = new Svi<bool>(Model, Guide, opt, Make(elbo, particles), new ParamStore(), seed: 0);
        Assert.True(double.IsFinite(svi.Step(false)));
        Assert.True(double.IsFinite(svi.Step(false)));
    }

    public static TheoryData<string, bool[], bool, int> MultivariateGrid()
    {
        var data = new TheoryData<string, bool[], bool, int>();
        bool[][] masks = [[true], [false], [false, true, true, false]];
        foreach (var elbo in Elbos)
        {
            foreach (var mask in masks)
            {
                foreach (bool zeroDim in mask.Length == 1 ? new[] { true, false } : [false])
                {
                    foreach (int particles in new[] { 1, 2 })
                    {
                        data.Add(elbo, mask, zeroDim, particles);
                    }
                }
            }
        }

        return data;
    }

    // ports pyro tests/infer/test_valid_models.py::test_obs_mask_multivariate_ok
    [Theory]
    [MemberData(nameof(MultivariateGrid))]
    public void ObsMaskMultivariateOk(string elbo, bool[] maskValues, bool zeroDim, int particles)
    {
        using var scope = NewDisposeScope();
        var data = full(4, 3, 7.0f);
        var mask = MaskTensor(maskValues, zeroDim);
        object? Model(bool _)
        {
            var x = Sample("x", MultivariateNormal.FromCovariance(zeros(3), eye(3)));
            using (Plate("plate", 4))
            {
                var y = Sample("y", MultivariateNormal.FromCovariance(x, eye(3)), obs: data, obsMask: mask);
                Assert.True(y.eq(data).all(-1).eq(mask).all().item<bool>());
            }

            return null;
        }

        object? Guide(bool _)
        {
            var loc = Param("loc", () => zeros(3));
            var cov = Param("cov", () => eye(3), Constraints.PositiveDefinite);
            var x = Sample("x", MultivariateNormal.FromCovariance(loc, cov));
            using (Plate("plate", 4))
            using (new Ppl.Handlers.MaskMessenger(mask.bitwise_not()).Install())
            {
                Sample("y_unobserved", MultivariateNormal.FromCovariance(x, eye(3)));
            }

            return null;
        }

        using var opt = new Adam(1e-6);
        var svi = new Svi<bool>(Model, Guide, opt, Make(elbo, particles), new ParamStore(), seed: 0);
        Assert.True(double.IsFinite(svi.Step(false)));
        Assert.True(double.IsFinite(svi.Step(false)));
    }

    public static TheoryData<string> ElboNames => [.. Elbos];

    // ports pyro tests/infer/test_valid_models.py::test_obs_mask_multivariate_error
    [Theory]
    [MemberData(nameof(ElboNames))]
    public void ObsMaskMultivariateError(string elbo)
    {
        using var scope = NewDisposeScope();
        var data = full(3, 2, 7.0f);
        var mask = tensor(new[,] { { false, false }, { false, true }, { true, false } });
        object? Model(bool _)
        {
            var x = Sample("x", MultivariateNormal.FromCovariance(zeros(2), eye(2)));
            using (Plate("plate", 3))
            {
                Sample("y", MultivariateNormal.FromCovariance(x, eye(2)), obs: data, obsMask: mask);
            }

            return null;
        }

        object? Guide(bool _)
        {
            var loc = Param("loc", () => zeros(2));
            var x = Sample("x", MultivariateNormal.FromCovariance(loc, eye(2)));
            using (Plate("plate", 3))
            using (new Ppl.Handlers.MaskMessenger(mask.bitwise_not()).Install())
            {
                Sample("y_unobserved", MultivariateNormal.FromCovariance(x, eye(2)));
            }

            return null;
        }

        var e = Assert.ThrowsAny<Exception>(() => Make(elbo, 1).Loss(Model, Guide, false));
        var messages = string.Join(" | ", Chain(e).Select(x => x.Message));
        Assert.Contains("invalid obsMask shape [3, 2]", messages, StringComparison.Ordinal);
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (Exception? x = e; x is not null; x = x.InnerException)
        {
            yield return x;
        }
    }

    // The unobserved half scores its draw under the model's law and the guide draws it from the
    // same law, so it adds exactly nothing; the loss is then −Σ_observed log N(7 | x, 1) at the
    // guide's initial q(x) = N(0, 1) = p(x). Its mean, n·(½ log 2π + ½·E(7 − x)²) = n·(½ log 2π + 25),
    // is checked to 5 standard errors: Var ½n(7 − x)² = (½n)²·Var(x² − 14x) = (½n)²·198.
    [Theory]
    [InlineData(new[] { false, false, false })]
    [InlineData(new[] { true, false, true })]
    [InlineData(new[] { true, true, true })]
    public void TheLossCountsOnlyTheObservedEntries(bool[] maskValues)
    {
        using var scope = NewDisposeScope();
        var data = tensor(new[] { 7.0, 7.0, 7.0 });
        var mask = tensor(maskValues);
        object? Model(bool _)
        {
            var x = Sample("x", new Normal(tensor(0.0), 1.0));
            using (Plate("plate", 3))
            {
                Sample("y", new Normal(x, 1.0), obs: data, obsMask: mask);
            }

            return null;
        }

        object? Guide(bool _)
        {
            var x = Sample("x", new Normal(tensor(0.0), 1.0));
            using (Plate("plate", 3))
            using (new Ppl.Handlers.MaskMessenger(mask.bitwise_not()).Install())
            {
                Sample("y_unobserved", new Normal(x, 1.0));
            }

            return null;
        }

        const int particles = 4000;
        int n = maskValues.Count(b => b);
        double loss = new TraceElbo { NumParticles = particles, VectorizeParticles = true }.Loss(Model, Guide, false);
        double expected = n * ((0.5 * Math.Log(2 * Math.PI)) + 25);
        double se = 0.5 * n * Math.Sqrt(198.0 / particles);
        Assert.InRange(loss, expected - (5 * se) - 1e-9, expected + (5 * se) + 1e-9);
    }
}
