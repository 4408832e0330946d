using Ppl.Data;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Examples.VaeMnist;

/// <summary>
/// The same VAE trained in plain TorchSharp, as the yardstick for the Ppl program: the same
/// networks and initial weights, the same batches (same <see cref="MiniBatches"/>), the same
/// single-sample −ELBO estimator (log q(z | x) − log p(z) − log p(x | z) at one reparameterized
/// draw, scaled by data size / batch size as a subsampled plate does) and the same Adam
/// settings, but written by hand with TorchSharp's own optimizer. Only the noise stream differs.
/// </summary>
internal sealed class PlainVaeTraining : IDisposable
{
    private static readonly double HalfLogTwoPi = 0.5 * Math.Log(2 * Math.PI);

    private readonly VaeNetworks _networks;
    private readonly optim.Optimizer _adam;
    private readonly Generator _noise;

    /// <summary>Trains <paramref name="networks"/> with Adam at <paramref name="learningRate"/>, drawing noise from <paramref name="seed"/>.</summary>
    public PlainVaeTraining(VaeNetworks networks, double learningRate, long seed)
    {
        _networks = networks;
        _adam = optim.Adam(networks.Parameters(), learningRate);
        _noise = new Generator(unchecked((ulong)seed), networks.Encoder.parameters().First().device);
    }

    /// <summary>One Adam step on <paramref name="batch"/>; the −ELBO per data row before the update.</summary>
    public double Step(MiniBatch batch, Tensor images)
    {
        using var scope = NewDisposeScope();
        _adam.zero_grad();
        var loss = NegativeElbo(batch, images);
        loss.backward();
        _adam.step();
        return loss.ToDouble() / batch.DataSize;
    }

    /// <summary>One epoch: a step per batch of <paramref name="batches"/>' epoch <paramref name="epoch"/>; the −ELBO per row averaged over the epoch as <see cref="Inference.Training.EpochSummary"/> does.</summary>
    public double TrainEpoch(MiniBatches batches, int epoch, Tensor images)
    {
        double total = 0;
        foreach (var batch in batches.Epoch(epoch))
        {
            total += Step(batch, images) * batch.Count / batches.Size;
        }

        return total;
    }

    /// <summary>The −ELBO per row of <paramref name="images"/> at the current weights, batch by batch without gradients.</summary>
    public double Evaluate(MiniBatches batches, Tensor images)
    {
        double total = 0;
        foreach (var batch in batches.Epoch(0))
        {
            using var scope = NewDisposeScope();
            using (no_grad())
            {
                total += NegativeElbo(batch, images).ToDouble() * batch.Count / batches.Size;
            }
        }

        return total / batches.Size;
    }

    /// <summary>The single-sample −ELBO of the batch, scaled to the whole data set.</summary>
    private Tensor NegativeElbo(MiniBatch batch, Tensor images)
    {
        var x = batch.Select(images);
        var (loc, scale) = _networks.Encoder.forward(x);
        var epsilon = randn(loc.shape, dtype: loc.dtype, device: loc.device, generator: _noise);
        var z = loc.add(scale.mul(epsilon));

        // log N(z; loc, scale) with (z − loc)/scale = ε, and log N(z; 0, 1), summed over the code
        var logQ = epsilon.square().mul(-0.5).sub(scale.log()).sub(HalfLogTwoPi).sum(-1);
        var logPrior = z.square().mul(-0.5).sub(HalfLogTwoPi).sum(-1);
        var logLikelihood = nn.functional.binary_cross_entropy_with_logits(_networks.Decoder.forward(z), x, reduction: nn.Reduction.None).sum(-1).neg();
        return logQ.sub(logPrior).sub(logLikelihood).sum().mul((double)batch.DataSize / batch.Count);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _adam.Dispose();
        _noise.Dispose();
    }
}
