using Ppl.Diagnostics;
using Ppl.Handlers;
using Ppl.Inference;
using Ppl.Inference.Optim;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Elbo;

/// <summary>
/// Ppl's versions of the helpers of Pyro's tests/infer/test_valid_models.py, with Pyro's test
/// configuration (warnings are errors): <see cref="AssertOk"/>, <see cref="AssertError"/>,
/// <see cref="AssertWarning"/>.
/// </summary>
internal static class ValidModelAssertions
{
    /// <summary>The ELBOs Ppl has, by name (Pyro's Trace_ELBO, TraceMeanField_ELBO, TraceGraph_ELBO, RenyiELBO).</summary>
    public static TheoryData<string> Estimators => ["TraceElbo", "TraceMeanFieldElbo", "TraceGraphElbo", "RenyiElbo"];

    /// <summary>A new estimator of that name.</summary>
    public static Ppl.Inference.Elbo Make(string name, int? maxPlateNesting = null) => name switch
    {
        "TraceElbo" => new TraceElbo { MaxPlateNesting = maxPlateNesting },
        "TraceMeanFieldElbo" => new TraceMeanFieldElbo { MaxPlateNesting = maxPlateNesting },
        "TraceGraphElbo" => new TraceGraphElbo { MaxPlateNesting = maxPlateNesting },
        "RenyiElbo" => new RenyiElbo(0.5) { NumParticles = 2, MaxPlateNesting = maxPlateNesting },
        _ => throw new ArgumentException(name, nameof(name)),
    };

    /// <summary>
    /// Pyro's <c>assert_ok</c>: an SVI step runs without warnings or errors, and with the same
    /// seed <c>DifferentiableLoss</c> has the value of <c>Loss</c>.
    /// </summary>
    public static void AssertOk(Func<int, object?> model, Func<int, object?> guide, Ppl.Inference.Elbo elbo)
    {
        using var scope = NewDisposeScope();
        using var warningsAreErrors = PplWarnings.AsErrors();
        using var optimizer = new Adam(1e-6);
        var svi = new Svi<int>(model, guide, optimizer, elbo);
        double stepLoss = svi.Step(0);
        Assert.True(double.IsFinite(stepLoss), $"step loss {stepLoss}");

        using (svi.ParamStore.Activate())
        {
            double loss;
            using (new SeedMessenger(0).Install())
            {
                loss = elbo.Loss(model, guide, 0);
            }

            double differentiable;
            using (new SeedMessenger(0).Install())
            {
                differentiable = elbo.DifferentiableLoss(model, guide, 0).to(ScalarType.Float64).item<double>();
            }

            Assert.Equal(loss, differentiable, 1e-5);
        }
    }

    /// <summary>Pyro's <c>assert_error</c>: the SVI step fails (warnings are errors), with a message containing <paramref name="match"/>.</summary>
    public static Exception AssertError(Func<int, object?> model, Func<int, object?> guide, Ppl.Inference.Elbo elbo, params string[] match)
    {
        using var scope = NewDisposeScope();
        using var warningsAreErrors = PplWarnings.AsErrors();
        using var optimizer = new Adam(1e-6);
        var svi = new Svi<int>(model, guide, optimizer, elbo);
        var e = Assert.ThrowsAny<Exception>(() => svi.Step(0));
        Assert.True(match.Length == 0 || match.Any(m => e.Message.Contains(m, StringComparison.Ordinal)), $"expected one of [{string.Join(" | ", match)}] in: {e.Message}");
        return e;
    }

    /// <summary>Pyro's <c>assert_warning</c>: the SVI step works and warns; returns the warnings.</summary>
    public static IReadOnlyList<string> AssertWarning(Func<int, object?> model, Func<int, object?> guide, Ppl.Inference.Elbo elbo)
    {
        using var scope = NewDisposeScope();
        using var optimizer = new Adam(1e-6);
        var svi = new Svi<int>(model, guide, optimizer, elbo);
        using (PplWarnings.Capture(out var warnings))
        {
            svi.Step(0);
            Assert.NotEmpty(warnings);
            return [.. warnings];
        }
    }
}
