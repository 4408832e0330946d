using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Mechanisms;

/// <summary>Random test cases and tensor read-outs shared by the Gumbel-max mechanism tests.</summary>
internal static class MechanismCases
{
    /// <summary>Standard Gumbel CDF exp(−exp(−x)).</summary>
    public static double GumbelCdf(double x) => Math.Exp(-Math.Exp(-x));

    /// <summary>Standard logistic CDF σ(x).</summary>
    public static double LogisticCdf(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>The values of a tensor as doubles, row-major.</summary>
    public static double[] Values(Tensor t) => t.to(float64).cpu().contiguous().data<double>().ToArray();

    /// <summary>The values of an integer tensor as longs, row-major.</summary>
    public static long[] Longs(Tensor t) => t.to(int64).cpu().contiguous().data<long>().ToArray();

    /// <summary>Column <paramref name="k"/> of a row-major matrix with <paramref name="width"/> columns.</summary>
    public static IEnumerable<double> Column(double[] values, int width, int k) =>
        Enumerable.Range(0, values.Length / width).Select(r => values[(r * width) + k]);

    /// <summary>
    /// Logits of shape [rows, k] drawn N(0, scale²), with each entry −∞ with probability
    /// <paramref name="impossible"/> (never the whole row), and for each row a category with finite logit.
    /// </summary>
    public static (double[] Logits, long[] Observed) RandomCase(Random random, int rows, int k, double scale, double impossible)
    {
        var logits = new double[rows * k];
        var observed = new long[rows];
        for (int r = 0; r < rows; r++)
        {
            observed[r] = random.Next(k);
            for (int c = 0; c < k; c++)
            {
                bool dead = c != observed[r] && random.NextDouble() < impossible;
                logits[(r * k) + c] = dead ? double.NegativeInfinity : scale * StandardNormal(random);
            }
        }

        return (logits, observed);
    }

    /// <summary>A standard normal draw by Box–Muller.</summary>
    public static double StandardNormal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
