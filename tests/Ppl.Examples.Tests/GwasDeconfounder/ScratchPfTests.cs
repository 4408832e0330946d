using Ppl.Causal;
using Ppl.Examples.GwasDeconfounder;
using Ppl.Inference.FactorModels;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.GwasDeconfounder;

public sealed class ScratchPfTests(ITestOutputHelper log)
{
    [Fact]
    public void Pf()
    {
        var cfgs = Environment.GetEnvironmentVariable("PF_CFGS") ?? "20:0.02:3";
        long seed = long.Parse(Environment.GetEnvironmentVariable("PF_SEED") ?? "1", System.Globalization.CultureInfo.InvariantCulture);
        double a = double.Parse(Environment.GetEnvironmentVariable("PF_A") ?? "0.1", System.Globalization.CultureInfo.InvariantCulture);
        using var scope = NewDisposeScope();
        var data = GwasSimulation.Generate(seed, 5000, 5000, a);
        var g = data.Genotypes;
        var training = randperm(data.Units, generator: new Generator((ulong)seed + 123)).narrow(0, 0, 4000);
        double Err(Tensor causes) => CauseEffects.SingleCause(causes.index_select(0, training), data.Trait.index_select(0, training), null, 4).sub(data.Effects).abs().mean().item<double>();
        double none = Err(g);
        foreach (var cfg in cfgs.Split(','))
        {
            var p = cfg.Split(':');
            int epochs = int.Parse(p[0], System.Globalization.CultureInfo.InvariantCulture); double lr = double.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture); int k = int.Parse(p[2], System.Globalization.CultureInfo.InvariantCulture);
            string fam = p.Length > 3 ? p[3] : "pf";
            double? enc = p.Length > 4 ? double.Parse(p[4], System.Globalization.CultureInfo.InvariantCulture) : null;
            var sw = System.Diagnostics.Stopwatch.StartNew();
            FactorModel model = fam == "pf" ? new PoissonFactorization(data.Causes, k) : new LogisticFactorModel(data.Causes, k, trials: 2);
            using var fit = FactorModelFitting.Fit(model, g, null, new FactorFitOptions { Epochs = epochs, LearningRate = lr, Seed = (int)seed, EncoderLearningRate = enc });
            var z = fit.SubstituteConfounders(g, null, 0);
            var rec = fit.ReconstructedCauses(z);
            double ratio = Err(g.sub(rec)) / none;
            double ls = CauseEffects.SingleCause(g, data.Trait, z).sub(data.Effects).square().mean().sqrt().item<double>();
            log.WriteLine($"{cfg}: ratio {ratio:F3} LS {ls:F3} loss {fit.Losses[^1]:F1} mse {g.sub(rec).square().mean().item<float>():F4} {sw.Elapsed.TotalSeconds:F0}s");
        }
    }
}
