using Ppl.Inference;
using Ppl.Inference.Optim;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Guides;

[Collection("Sequential")]
public sealed class ZzTimingTests
{
    [Theory]
    [InlineData("AutoNormal", true)]
    [InlineData("AutoMultivariateNormal", true)]
    [InlineData("AutoMultivariateNormal", false)]
    [InlineData("AutoLowRankMultivariateNormal", true)]
    [InlineData("AutoLowRankMultivariateNormal", false)]
    public void Timing(string kind, bool validate)
    {
        Ppl.Distributions.Distribution.ValidationEnabled = validate;
        Console.WriteLine($"threads {torch.get_num_threads()}");
        if (!validate) torch.set_num_threads(1);
        try
        {
            using var x = tensor(ConjugateModels.NormalData.Select(v => (float)v).ToArray());
            using var guide = ConjugateModels.Make<Tensor>(kind, ConjugateModels.NormalNormal);
            var svi = new Svi<Tensor>(ConjugateModels.NormalNormal, guide.Guide, new Adam(0.01), new TraceElbo { NumParticles = 16 }, seed: 3);
            svi.Fit(x, 20);
            var sw = System.Diagnostics.Stopwatch.StartNew();
            svi.Fit(x, 200);
            var t1 = sw.Elapsed.TotalMilliseconds / 200;
            sw.Restart();
            for (int i = 0; i < 50; i++)
            {
                using var s = NewDisposeScope();
                guide.Median(x);
            }

            Console.WriteLine($"[timing] {kind} validate={validate}: step {t1:F2} ms, median {sw.Elapsed.TotalMilliseconds / 50:F2} ms");
        }
        finally
        {
            Ppl.Distributions.Distribution.ValidationEnabled = true;
        }
    }
}
