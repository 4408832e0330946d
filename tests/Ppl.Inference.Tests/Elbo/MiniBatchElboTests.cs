using Ppl.Data;
using Ppl.Distributions;
using Ppl.Inference;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Elbo;

/// <summary>
/// A subsampled plate makes one step's loss an unbiased estimate of the full data set's −ELBO:
/// with a deterministic guide the average of the batch losses over an epoch equals the full-data
/// loss exactly (up to float error), and both equal the log-density computed by hand.
/// </summary>
public sealed class MiniBatchElboTests
{
    private const int N = 60;

    private sealed record Batch(MiniBatch Rows, Tensor X);

    // mu ~ N(0, 2²) global; z_i ~ N(mu, 1), x_i ~ N(z_i, 0.5²) local
    private static Tensor Model(Batch b)
    {
        var mu = Sample("mu", new Normal(0.0, 2.0));
        using var data = b.Rows.Plate("data");
        var z = Sample("z", new Normal(mu, 1.0));
        return Sample("x", new Normal(z, 0.5), obs: b.Rows.Select(b.X));
    }

    // a deterministic guide (point masses: log q = 0), so every loss is an exact function of the batch
    private static Tensor Guide(Batch b)
    {
        Sample("mu", new Delta(tensor(0.3, dtype: ScalarType.Float64)));
        using var data = b.Rows.Plate("data");
        return Sample("z", new Delta(b.Rows.Select(b.X).mul(0.8).add(0.1)));
    }

    private static Tensor Data() => linspace(-2, 3, N, dtype: ScalarType.Float64).sin().mul(2);

    [Theory]
    [InlineData(10, true)]
    [InlineData(6, false)]
    [InlineData(60, true)]
    public void TheEpochsMeanBatchLossIsTheFullDataLoss(int batchSize, bool shuffle)
    {
        using var scope = NewDisposeScope();
        using var x = Data();
        using var adam = new Ppl.Inference.Optim.Adam(0.1);
        var svi = new Svi<Batch>(Model, Guide, adam, new TraceElbo(), seed: 1);
        var batches = new MiniBatches(N, batchSize, shuffle: shuffle, seed: 4);
        var losses = batches.Epoch(2).Select(b => svi.Evaluate(new Batch(b, x))).ToList();
        double full = svi.Evaluate(new Batch(new MiniBatches(N, N, shuffle: false).Epoch(0).Single(), x));

        // by hand: −[log N(0.3; 0, 2) + Σ_i log N(z_i; 0.3, 1) + log N(x_i; z_i, 0.5)], z_i = 0.8 x_i + 0.1
        var xs = x.data<double>().ToArray();
        double expected = -(LogNormal(0.3, 0, 2) + xs.Sum(xi => LogNormal((0.8 * xi) + 0.1, 0.3, 1) + LogNormal(xi, (0.8 * xi) + 0.1, 0.5)));
        Assert.Equal(expected, full, 1e-9);
        Assert.Equal(full, losses.Average(), 1e-9);

        // and a single batch is not the full loss (the check above is not vacuous)
        if (batchSize < N)
        {
            Assert.True(losses.Max() - losses.Min() > 1.0, $"batch losses {string.Join(", ", losses)}");
        }
    }

    private static double LogNormal(double v, double mean, double sd) =>
        (-0.5 * Math.Pow((v - mean) / sd, 2)) - Math.Log(sd) - (0.5 * Math.Log(2 * Math.PI));
}
