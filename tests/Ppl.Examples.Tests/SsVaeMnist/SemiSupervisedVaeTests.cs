using Ppl.Data;
using Ppl.Examples.SsVaeMnist;
using Ppl.Inference;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.SsVaeMnist;

/// <summary>
/// The M2 programs' ELBO against the M2 bound written out by hand at the guide's own draws of z:
/// for an unlabelled row Σ_y q(y|x) [log p(x|y,z_y) + log p(z_y) + log p(y) − log q(z_y|x,y)] + H(q(·|x)),
/// for a labelled row the same term at its digit plus α·log q(y|x), every row scaled by N / B.
/// The networks are the programs' own (they are the parameters); what is checked is how the
/// programs assemble the bound: the digit plate, its weights and mask, the entropy factor, the
/// auxiliary site and the minibatch scale — value and the gradient through the weights.
/// </summary>
public sealed class SemiSupervisedVaeTests
{
    private const int Pixels = 6;
    private const int Latent = 3;
    private const double Alpha = 2.5;

    [Fact]
    public void The_ELBO_is_the_M2_bound_summed_over_every_unobserved_digit()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(5);
        using var vae = new SemiSupervisedVae(Pixels, hidden: 4, Latent, Alpha);
        var gen = new Generator(8, CPU);
        var pixels = bernoulli(full(20, Pixels, 0.4f), gen);
        var digits = arange(20, dtype: ScalarType.Int64).remainder(10);
        var data = DigitImages.SemiSupervised(pixels, digits, perClass: 1, seed: 3);
        var rows = new MiniBatches(20, 8, seed: 1).Epoch(0).First();
        var batch = new M2Batch(rows, data);

        var estimate = new TraceElbo().Estimate<M2Batch>(b => { vae.Model(b); return null; }, b => { vae.Guide(b); return null; }, batch);
        var z = estimate.Runs[0].Guide["z"].Value!.detach(); // [10, 8, Latent]
        var loss = estimate.Loss;
        loss.backward();
        var programGrads = vae.Classifier.parameters().Select(p => p.grad!.clone()).ToArray();
        vae.Classifier.zero_grad();

        var truth = HandWrittenLoss(vae, data, rows, z);
        truth.backward();
        var truthGrads = vae.Classifier.parameters().Select(p => p.grad!.clone()).ToArray();

        // the batch mixes labelled and unlabelled rows, so both kinds of term are in the sum
        var labelled = rows.Select(data.Labelled);
        Assert.InRange(labelled.sum().item<long>(), 1, 7);
        Assert.Equal(truth.item<double>(), loss.to(ScalarType.Float64).item<double>(), 1e-3);
        for (int i = 0; i < truthGrads.Length; i++)
        {
            Assert.True(truthGrads[i].abs().max().item<float>() > 1e-3f, "the classifier gets a gradient");
            Assert.True(programGrads[i].allclose(truthGrads[i], rtol: 1e-4, atol: 1e-5), $"classifier gradient {i} differs from the hand-written bound's");
        }
    }

    [Fact]
    public void Without_the_auxiliary_term_labelled_rows_give_the_classifier_no_gradient()
    {
        // with α = 0 and every row labelled, q(y|x) appears nowhere in the bound (the digit is observed)
        using var scope = NewDisposeScope();
        random.manual_seed(6);
        using var vae = new SemiSupervisedVae(Pixels, hidden: 4, Latent, auxWeight: 0);
        var pixels = bernoulli(full(10, Pixels, 0.4f), new Generator(2, CPU));
        var data = DigitImages.SemiSupervised(pixels, arange(10, dtype: ScalarType.Int64), perClass: 1, seed: 0);
        var rows = new MiniBatches(10, 10, shuffle: false).Epoch(0).First();

        var estimate = new TraceElbo().Estimate<M2Batch>(b => { vae.Model(b); return null; }, b => { vae.Guide(b); return null; }, new M2Batch(rows, data));
        estimate.Loss.backward();

        Assert.All(vae.Classifier.parameters(), p => Assert.True(p.grad is null || p.grad.abs().max().item<float>() == 0));
        Assert.True(vae.Decoder.parameters().First().grad!.abs().max().item<float>() > 0);
    }

    /// <summary>−ELBO of <paramref name="rows"/> written out term by term (float64 from the networks' outputs).</summary>
    private static Tensor HandWrittenLoss(SemiSupervisedVae vae, DigitImages data, MiniBatch rows, Tensor z)
    {
        double logTwoPi = Math.Log(2 * Math.PI);
        var x = rows.Select(data.Pixels);
        var labelled = rows.Select(data.Labelled).data<bool>().ToArray();
        var digits = rows.Select(data.Digits).data<long>().ToArray();
        var logQ = nn.functional.log_softmax(vae.Classifier.forward(x), -1).to(ScalarType.Float64);
        var total = zeros(1, dtype: ScalarType.Float64);
        for (int i = 0; i < rows.Count; i++)
        {
            var xi = x[i];
            Tensor Term(int k)
            {
                var y = nn.functional.one_hot(tensor((long)k), 10).to(ScalarType.Float32);
                var zk = z[k, i];
                var (loc, scale) = vae.Encoder.forward(xi, y);
                var logits = vae.Decoder.forward(zk, y).to(ScalarType.Float64);
                var z64 = zk.to(ScalarType.Float64);
                var logLik = xi.to(ScalarType.Float64).mul(logits).sub(nn.functional.softplus(logits)).sum();
                var logPrior = z64.square().mul(-0.5).sum().sub(0.5 * Latent * logTwoPi);
                var standard = z64.sub(loc.to(ScalarType.Float64)).div(scale.to(ScalarType.Float64));
                var logGuide = standard.square().mul(-0.5).sub(scale.to(ScalarType.Float64).log()).sum().sub(0.5 * Latent * logTwoPi);
                return logLik.add(logPrior).add(Math.Log(0.1)).sub(logGuide);
            }

            Tensor row;
            if (labelled[i])
            {
                row = Term((int)digits[i]).add(logQ[i, digits[i]].mul(Alpha));
            }
            else
            {
                var q = logQ[i].exp();
                row = Enumerable.Range(0, 10).Select(k => q[k].mul(Term(k))).Aggregate((a, b) => a.add(b)).sub(q.mul(logQ[i]).sum());
            }

            total = total.add(row);
        }

        return total.mul(-20.0 / rows.Count).squeeze();
    }
}
