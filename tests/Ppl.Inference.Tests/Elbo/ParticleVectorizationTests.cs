using Ppl.Diagnostics;
using Ppl.Distributions;
using Ppl.Inference;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Elbo;

/// <summary>
/// Running a user's model vectorized is the user's decision (Pyro's <c>vectorize_particles=False</c>
/// default): an ELBO never tries it unasked, because a model that does not vectorize may abort the
/// process instead of throwing (TorchSharp's matmul; probe <c>ppl.elbo.default</c> in tests/AbortProbe).
/// </summary>
[Collection("Sequential")]
public sealed class ParticleVectorizationTests
{
    private static Tensor NormalModel(Tensor x)
    {
        var mu = Sample("mu", new Normal(0.0, 1.0));
        using var data = Plate("data", x.shape[0]);
        return Sample("x", new Normal(mu, 1.0), obs: x);
    }

    private static Tensor NormalGuide(Tensor x) => Sample("mu", new Normal(0.3, 0.5));

    /// <summary>Reshapes its latent to [1]: fine for one particle, wrong shape for a batch of them.</summary>
    private static Tensor OneAtATime(Tensor x)
    {
        var mu = Sample("mu", new Normal(0.0, 1.0));
        return Sample("x", new Normal(mu.reshape(1), 1.0), obs: x[..1]);
    }

    public static TheoryData<string> Elbos => ["TraceElbo", "TraceGraphElbo", "TraceMeanFieldElbo", "RenyiElbo"];

    private static Ppl.Inference.Elbo Make(string kind, bool? vectorize) => (kind, vectorize) switch
    {
        ("TraceElbo", null) => new TraceElbo { NumParticles = 4 },
        ("TraceElbo", bool v) => new TraceElbo { NumParticles = 4, VectorizeParticles = v },
        ("TraceGraphElbo", null) => new TraceGraphElbo { NumParticles = 4 },
        ("TraceGraphElbo", bool v) => new TraceGraphElbo { NumParticles = 4, VectorizeParticles = v },
        ("TraceMeanFieldElbo", null) => new TraceMeanFieldElbo { NumParticles = 4 },
        ("TraceMeanFieldElbo", bool v) => new TraceMeanFieldElbo { NumParticles = 4, VectorizeParticles = v },
        ("RenyiElbo", null) => new RenyiElbo(0.5) { NumParticles = 4 },
        ("RenyiElbo", bool v) => new RenyiElbo(0.5) { NumParticles = 4, VectorizeParticles = v },
        _ => throw new ArgumentException(kind, nameof(kind)),
    };

    [Theory]
    [MemberData(nameof(Elbos))]
    public void ParticlesRunOneAfterAnotherUnlessVectorizationIsAsked(string kind)
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { 0.5, -0.1, 1.2 }, dtype: float64);

        var byDefault = Make(kind, null);
        Assert.False(byDefault.VectorizeParticles);
        Assert.True(double.IsFinite(byDefault.Loss(NormalModel, NormalGuide, x)));
        Assert.False(byDefault.LastRunVectorized, $"{kind} ran the particles vectorized without being asked");

        var asked = Make(kind, true);
        Assert.True(double.IsFinite(asked.Loss(NormalModel, NormalGuide, x)));
        Assert.True(asked.LastRunVectorized);
        (byDefault as IDisposable)?.Dispose();
        (asked as IDisposable)?.Dispose();
    }

    [Fact]
    public void AModelThatCannotVectorizeRunsQuietlyByDefaultAndThrowsWhenVectorizationIsAsked()
    {
        using var scope = NewDisposeScope();
        var x = tensor(new[] { 0.5, -0.1 }, dtype: float32);
        var byDefault = new TraceElbo { NumParticles = 3 };
        using (PplWarnings.Capture(out var warnings))
        {
            Assert.True(double.IsFinite(byDefault.Loss(OneAtATime, NormalGuide, x)));
            Assert.Empty(warnings); // nothing was tried, so nothing fell back
        }

        Assert.False(byDefault.LastRunVectorized);

        var asked = new TraceElbo { NumParticles = 3, VectorizeParticles = true };
        Assert.Throws<ModelExecutionException>(() => asked.Loss(OneAtATime, NormalGuide, x));
        // asking is not a one-off: the next estimate tries again rather than falling back
        Assert.Throws<ModelExecutionException>(() => asked.Loss(OneAtATime, NormalGuide, x));
    }

    [Fact]
    public void AVectorizedRunWhoseBatchReachesLeftOfTheParticleDimThrows()
    {
        // X [N, D] times w [P, 1, D] as a matrix times a batch of vectors gives [P, 1, N]: the
        // particle dim and the plate's dim both survive, so particles would be mixed
        static Tensor Mixing(Tensor x)
        {
            var w = Sample("w", new Normal(zeros(2, dtype: x.dtype), 1.0).ToEvent(1));
            using var rows = Plate("rows", x.shape[0]);
            return Sample("y", new Normal(x.BatchedMatVec(w), 1.0), obs: zeros(x.shape[0], dtype: x.dtype));
        }

        static Tensor Guide(Tensor x) => Sample("w", new Normal(zeros(2, dtype: x.dtype), 1.0).ToEvent(1));

        using var scope = NewDisposeScope();
        var x = ones(5, 2, dtype: float64);
        var e = Assert.Throws<ModelExecutionException>(() => new TraceElbo { NumParticles = 3, VectorizeParticles = true }.Loss(Mixing, Guide, x));
        Assert.Contains("left of the particle dim", e.Message, StringComparison.Ordinal);
        Assert.True(double.IsFinite(new TraceElbo { NumParticles = 3 }.Loss(Mixing, Guide, x))); // sequential particles have no such dim
    }
}
