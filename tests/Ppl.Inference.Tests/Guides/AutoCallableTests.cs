using Ppl.Data;
using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using TorchSharp;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Guides;

/// <summary>
/// Hand-written members of an <see cref="AutoGuideList{TArgs}"/>: an encoder for a local latent in a
/// minibatch's plate next to AutoNormal for a global latent, fitted against the closed form, and
/// the checks that the hand-written guide samples exactly the sites it names.
/// </summary>
[Trait(Stage.Key, Stage.Statistical)]
[Collection("Sequential")]
public sealed class AutoCallableTests
{
    private const int N = 200;
    private const int BatchSize = 50;
    private const double PriorSd = 3.0, Tau = 1.0, S = 0.5;

    private sealed record Batch(MiniBatch Rows, Tensor X, nn.Module<Tensor, Tensor> Encoder);

    // mu ~ N(0, 3²) global; z_i ~ N(mu, 1), x_i ~ N(z_i, 0.5²) local, seen 50 rows a step
    private static Tensor Model(Batch b)
    {
        var mu = Sample("mu", new Normal(0.0f, (float)PriorSd));
        using var data = b.Rows.Plate("data");
        var z = Sample("z", new Normal(mu, (float)Tau));
        return Sample("x", new Normal(z, (float)S), obs: b.Rows.Select(b.X));
    }

    // q(z_i | x_i) = N(w x_i + c, sd²): a one-unit linear encoder and a learned log-sd
    private static Tensor Encoder(Batch b)
    {
        var encoder = Module("encoder", b.Encoder);
        var logSd = Param("z_log_sd", () => tensor(-1.0f));
        using var data = b.Rows.Plate("data");
        var loc = encoder.forward(b.Rows.Select(b.X).unsqueeze(-1)).squeeze(-1);
        return Sample("z", new Normal(loc, logSd.exp()));
    }

    private static Tensor Data()
    {
        var g = new Generator(9);
        using var z = randn(N, generator: g).mul((float)Tau).add(1.3f);
        return z.add(randn(N, generator: g).mul((float)S));
    }

    private static nn.Module<Tensor, Tensor> Linear()
    {
        var linear = nn.Linear(1, 1);
        using (no_grad())
        {
            linear.weight!.zero_();
            linear.bias!.zero_();
        }

        return linear;
    }

    [Fact]
    public void AnEncoderForTheLocalsAndAutoNormalForTheGlobalFitTheClosedForm()
    {
        using var scope = NewDisposeScope();
        using var x = Data();
        using var encoder = Linear();
        using var guide = new AutoGuideList<Batch>(Model);
        var global = guide.Add(m => new AutoNormal<Batch>(m), "mu");
        guide.Add(Encoder, "z");
        const int epochs = 200;
        var batches = new MiniBatches(N, BatchSize, seed: 6);
        long steps = epochs * batches.BatchesPerEpoch;
        using var adam = new Adam(0.05) { Schedule = LearningRateSchedule.Exponential(Math.Pow(0.02, 1.0 / steps)) };
        var svi = new Svi<Batch>(Model, guide.Guide, adam, new TraceElbo { NumParticles = 8, VectorizeParticles = true }, seed: 2);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            foreach (var batch in batches.Epoch(epoch))
            {
                svi.Step(new Batch(batch, x, encoder));
            }
        }

        Assert.Equal(["mu"], global.Sites.Select(s => s.Name)); // the autoguide never saw z

        // mean field over (mu, z): q(z_i | x_i) = N((E mu/τ² + x_i/s²)/P, 1/P), P = 1/τ² + 1/s², is
        // linear in x_i (in the encoder's family); q(mu) has the exact posterior mean
        // Σx/(τ²+s²) / (1/σ0² + N/(τ²+s²)) and the mean-field sd 1/√(1/σ0² + N/τ²)
        double sumX = x.sum().item<float>();
        double muMean = sumX / ((Tau * Tau) + (S * S)) / ((1 / (PriorSd * PriorSd)) + (N / ((Tau * Tau) + (S * S))));
        double muSd = 1 / Math.Sqrt((1 / (PriorSd * PriorSd)) + (N / (Tau * Tau)));
        double p = (1 / (Tau * Tau)) + (1 / (S * S));
        double loc = svi.ParamStore["AutoNormal.locs.mu"].item<float>();
        double sd = svi.ParamStore["AutoNormal.scales.mu"].item<float>();
        double w = svi.ParamStore["encoder$weight"].item<float>();
        double c = svi.ParamStore["encoder$bias"].item<float>();
        double zSd = Math.Exp(svi.ParamStore["z_log_sd"].item<float>());
        Console.WriteLine($"[autocallable] mu loc {loc:F4} (exact {muMean:F4}), sd {sd:F4} (mean field {muSd:F4}); encoder w {w:F4} ({1 / (S * S) / p:F4}), c {c:F4} ({muMean / (Tau * Tau) / p:F4}), sd {zSd:F4} ({1 / Math.Sqrt(p):F4})");

        // the posterior sd of mu is 0.071; SVI noise at the final learning rate (0.001) is far below
        // the tolerances, which are a fraction of it
        Assert.InRange(loc, muMean - 0.02, muMean + 0.02);
        Assert.InRange(sd, muSd - 0.015, muSd + 0.015);
        Assert.InRange(w, (1 / (S * S) / p) - 0.02, (1 / (S * S) / p) + 0.02);
        Assert.InRange(c, (muMean / p) - 0.02, (muMean / p) + 0.02);
        Assert.InRange(zSd, (1 / Math.Sqrt(p)) - 0.02, (1 / Math.Sqrt(p)) + 0.02);

        // the list's median merges the members': the hand-written one has none unless given
        Assert.Throws<NotSupportedException>(() => guide.Median(new Batch(batches.Epoch(0).First(), x, encoder)));
        using (svi.ParamStore.Activate())
        {
            Assert.Equal(loc, global.Median(new Batch(batches.Epoch(0).First(), x, encoder))["mu"].item<float>());
        }
    }

    private static Tensor ThreeLatents(Batch b)
    {
        var mu = Sample("mu", new Normal(0.0f, 1.0f));
        var w = Sample("w", new Normal(0.0f, 1.0f));
        using var data = b.Rows.Plate("data");
        var z = Sample("z", new Normal(mu.add(w), 1.0f));
        return Sample("x", new Normal(z, 1.0f), obs: b.Rows.Select(b.X));
    }

    private static void OneStep(Func<Batch, object?> model, Action<AutoGuideList<Batch>> build)
    {
        using var scope = NewDisposeScope();
        using var x = Data();
        using var encoder = Linear();
        using var guide = new AutoGuideList<Batch>(model);
        build(guide);
        using var adam = new Adam(0.01);
        var svi = new Svi<Batch>(model, guide.Guide, adam, new TraceElbo(), seed: 1);
        svi.Step(new Batch(new MiniBatches(N, BatchSize).Epoch(0).First(), x, encoder));
    }

    [Fact]
    public void AGuideThatSamplesASiteItDoesNotNameIsRefused()
    {
        var e = Inner<InvalidOperationException>(() => OneStep(ThreeLatents, g =>
        {
            g.Add(m => new AutoNormal<Batch>(m), "mu");
            g.Add(b => { Sample("w", new Normal(0.0f, 1.0f)); return Encoder(b); }, "z");
        }));
        Assert.Contains("'w', which it does not name", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AGuideThatLeavesOutASiteItNamesIsRefused()
    {
        var e = Inner<InvalidOperationException>(() => OneStep(ThreeLatents, g =>
        {
            g.Add(m => new AutoNormal<Batch>(m), "mu");
            g.Add(Encoder, "z", "w");
        }));
        Assert.Contains("did not sample 'w', which it names", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASiteNamedForTheGuideMustBeALatentOfTheModel()
    {
        var e = Inner<InvalidOperationException>(() => OneStep(Model, g =>
        {
            g.Add(m => new AutoNormal<Batch>(m), "mu");
            g.Add(Encoder, "z", "q");
        }));
        Assert.Contains("'q'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ASiteIsCoveredByOneMemberOnly()
    {
        using var guide = new AutoGuideList<Batch>(Model);
        guide.Add(m => new AutoNormal<Batch>(m), "mu", "z");
        var e = Assert.Throws<ArgumentException>(() => guide.Add(Encoder, "z"));
        Assert.Contains("'z'", e.Message, StringComparison.Ordinal);
    }

    // a discrete local latent k_i ~ Bernoulli(0.3) shifts x_i; autoguides refuse discrete sites,
    // a hand-written guide (a classifier q(k | x)) may cover one
    private static Tensor Mixture(Batch b)
    {
        var mu = Sample("mu", new Normal(0.0f, 1.0f));
        using var data = b.Rows.Plate("data");
        var k = Sample("k", Bernoulli.FromProbs(tensor(0.3f)));
        return Sample("x", new Normal(mu.add(k.mul(2)), 1.0f), obs: b.Rows.Select(b.X));
    }

    private static Tensor Classifier(Batch b)
    {
        var encoder = Module("classifier", b.Encoder);
        using var data = b.Rows.Plate("data");
        return Sample("k", Bernoulli.FromLogits(encoder.forward(b.Rows.Select(b.X).unsqueeze(-1)).squeeze(-1)));
    }

    [Fact]
    public void AHandWrittenMemberMayCoverADiscreteSite()
    {
        OneStep(Mixture, g =>
        {
            g.Add(m => new AutoNormal<Batch>(m), "mu");
            g.Add(Classifier, "k");
        });
    }

    // a failure inside the guide reaches the caller as a ModelExecutionException around it
    private static T Inner<T>(Action run)
        where T : Exception => Assert.IsType<T>(Assert.Throws<ModelExecutionException>(run).InnerException);
}
