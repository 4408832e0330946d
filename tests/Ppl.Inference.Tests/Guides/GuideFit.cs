using Ppl.Inference;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Guides;

/// <summary>
/// The end of an SVI run: the mean of the last iterates of some quantities, their standard
/// deviation (the SGD noise left at the final learning rate) and their drift (mean of the second
/// half of the tail minus the first half: the part of convergence still under way).
/// </summary>
internal sealed record Tail(double[] Mean, double[] Sd, double[] Drift)
{
    /// <summary>
    /// 5·sd covers the noise of the averaged iterate (the iterates are positively correlated, so
    /// the average varies no more than a single iterate); |drift| bounds what convergence still
    /// lacks (a geometric approach that moved this much in the last half-tail has at most about
    /// that much left); <paramref name="bias"/> is a bias the caller justifies.
    /// </summary>
    public double Tolerance(int i, double bias = 0) => 5 * Sd[i] + Math.Abs(Drift[i]) + bias;

    /// <summary>
    /// Asserts that quantity <paramref name="i"/> settled and that its mean is within
    /// <see cref="Tolerance"/> of <paramref name="truth"/>. The tolerance comes from the fit's own
    /// noise, so it gets a ceiling from theory first: the sd may not exceed
    /// <paramref name="noiseCeiling"/> (the stationary noise an optimizer at this learning rate
    /// leaves, see <see cref="AdamNoise"/>), and the drift, a difference of two half-tail means
    /// that each vary no more than one iterate, may not exceed twice that. A fit that never
    /// settles fails here instead of widening its own tolerance; the tolerance is at most
    /// 7·<paramref name="noiseCeiling"/> + <paramref name="bias"/>.
    /// </summary>
    public void AssertNear(int i, double truth, double noiseCeiling, string what, double bias = 0)
    {
        Assert.True(Sd[i] <= noiseCeiling, $"{what}: the tail's sd {Sd[i]:E3} exceeds the noise theory allows ({noiseCeiling:E3})");
        Assert.True(Math.Abs(Drift[i]) <= 2 * noiseCeiling, $"{what}: the tail still drifts by {Drift[i]:E3}, more than noise of sd {noiseCeiling:E3} explains");
        Assert.InRange(Mean[i], truth - Tolerance(i, bias), truth + Tolerance(i, bias));
    }
}

internal static class GuideFit
{
    /// <summary>Runs <paramref name="steps"/> SVI steps and summarizes <paramref name="read"/> over the last <paramref name="tail"/>.</summary>
    public static Tail Run<T>(Svi<T> svi, T args, int steps, Func<double[]> read, int tail = 200)
    {
        svi.Fit(args, steps - tail);
        var rows = new List<double[]>(tail);
        for (int i = 0; i < tail; i++)
        {
            svi.Step(args);
            using var scope = NewDisposeScope();
            rows.Add(read());
        }

        int k = rows[0].Length;
        var mean = new double[k];
        var sd = new double[k];
        var drift = new double[k];
        for (int j = 0; j < k; j++)
        {
            var col = rows.Select(r => r[j]).ToArray();
            mean[j] = col.Average();
            sd[j] = Math.Sqrt(col.Sum(v => (v - mean[j]) * (v - mean[j])) / (col.Length - 1));
            drift[j] = col[(tail / 2)..].Average() - col[..(tail / 2)].Average();
        }

        return new Tail(mean, sd, drift);
    }

    /// <summary>Disposes the run's parameters and optimizer state, which live outside every dispose scope.</summary>
    public static void Release<T>(Svi<T> svi)
    {
        svi.ParamStore.Dispose();
        svi.Optimizer.Dispose();
    }

    /// <summary>All entries of a tensor as doubles.</summary>
    public static double[] Values(Tensor t) => t.detach().to(ScalarType.Float64).cpu().data<double>().ToArray();
}
