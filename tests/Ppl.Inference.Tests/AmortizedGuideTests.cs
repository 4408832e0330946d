using Ppl.Data;
using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Optim;
using TorchSharp;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference;

/// <summary>
/// An encoder network as the guide of a local latent in a subsampled plate, trained by SVI over
/// minibatches, against the closed-form posterior of a linear-Gaussian latent model.
/// </summary>
[Trait(Stage.Key, Stage.Statistical)]
[Collection("Sequential")]
public sealed class AmortizedGuideTests
{
    // z_i ~ N(0, 1), x_i ~ N(a z_i, s² I) in R³: z_i | x_i ~ N(m·x_i, v) with
    // v = 1 / (1 + |a|²/s²) and m = v a / s². Here |a|² = 5.25, s = 1: v = 0.16, m = 0.16 a.
    private static readonly float[] A = [1.0f, -0.5f, 2.0f];
    private const double S = 1.0;
    private const int N = 1000;
    private const int BatchSize = 100;

    private static double V => 1.0 / (1.0 + (A.Sum(a => (double)a * a) / (S * S)));

    private static double[] M => [.. A.Select(a => V * a / (S * S))];

    private sealed record Batch(MiniBatch Rows, Tensor X, nn.Module<Tensor, Tensor> Encoder);

    private static Tensor Model(Batch b)
    {
        using var data = b.Rows.Plate("data");
        var z = Sample("z", new Normal(0.0f, 1.0f));
        using var a = tensor(A);
        return Sample("x", new Normal(z.unsqueeze(-1).mul(a), S).ToEvent(1), obs: b.Rows.Select(b.X));
    }

    // q(z_i | x_i) = N(W x_i + b, exp(log_sd)²): the mean from the encoder, one learned log-sd
    private static Tensor Guide(Batch b)
    {
        var encoder = Module("encoder", b.Encoder);
        var logSd = Param("log_sd", () => tensor(0.0f));
        using var data = b.Rows.Plate("data");
        var loc = encoder.forward(b.Rows.Select(b.X)).squeeze(-1);
        return Sample("z", new Normal(loc, logSd.exp()));
    }

    private static Tensor Data()
    {
        var g = new Generator(5);
        using var z = randn([N, 1], generator: g);
        using var a = tensor(A);
        using var noise = randn([N, 3], generator: g).mul(S);
        return z.mul(a).add(noise);
    }

    private static nn.Module<Tensor, Tensor> Encoder()
    {
        var linear = nn.Linear(3, 1);
        using (no_grad())
        {
            linear.weight!.zero_();
            linear.bias!.zero_();
        }

        return linear;
    }

    [Fact]
    public void ALinearEncoderTrainedOnMinibatchesRecoversTheExactPosterior()
    {
        using var scope = NewDisposeScope();
        using var x = Data();
        using var encoder = Encoder();
        const int epochs = 60;
        var batches = new MiniBatches(N, BatchSize, seed: 3);
        long steps = epochs * batches.BatchesPerEpoch;
        using var adam = new Adam(0.05) { Schedule = LearningRateSchedule.Exponential(Math.Pow(0.02, 1.0 / steps)) };
        var svi = new Svi<Batch>(Model, Guide, adam, new TraceElbo { NumParticles = 4, VectorizeParticles = true }, seed: 11);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            foreach (var batch in batches.Epoch(epoch))
            {
                svi.Step(new Batch(batch, x, encoder));
            }
        }

        var w = svi.ParamStore["encoder$weight"].detach().reshape(-1).data<float>().ToArray();
        double bias = svi.ParamStore["encoder$bias"].detach().item<float>();
        double sd = Math.Exp(svi.ParamStore["log_sd"].detach().item<float>());
        Console.WriteLine($"[amortized] W = [{string.Join(", ", w.Select(v => v.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}] (exact [{string.Join(", ", M.Select(v => v.ToString("F4", System.Globalization.CultureInfo.InvariantCulture)))}]), b = {bias:F4}, sd = {sd:F4} (exact {Math.Sqrt(V):F4})");

        // the family holds the exact posterior for every x, so the ELBO's optimum is exactly
        // (m, 0, √v); what is left is SVI noise at the final learning rate (0.001), far below 0.02
        for (int k = 0; k < 3; k++)
        {
            Assert.InRange(w[k], M[k] - 0.02, M[k] + 0.02);
        }

        Assert.InRange(bias, -0.02, 0.02);
        Assert.InRange(sd, Math.Sqrt(V) - 0.02, Math.Sqrt(V) + 0.02);

        // the encoder module itself holds the trained values (the store shares its tensors)
        Assert.Equal(w[0], encoder.parameters().First().detach().reshape(-1)[0].item<float>());
    }
}
