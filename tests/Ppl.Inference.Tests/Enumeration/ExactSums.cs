namespace Ppl.Tests.Inference.Enumeration;

/// <summary>The brute-force arithmetic the enumeration tests compare against, in doubles.</summary>
internal static class ExactSums
{
    /// <summary>log N(<paramref name="x"/>; <paramref name="mean"/>, <paramref name="sd"/>) by MathNet.</summary>
    public static double NormalLogDensity(double x, double mean, double sd) =>
        MathNet.Numerics.Distributions.Normal.PDFLn(mean, sd, x);

    /// <summary>log Σ exp, shifted by the maximum.</summary>
    public static double LogSumExp(IEnumerable<double> values)
    {
        var all = values.ToArray();
        double max = all.Max();
        return max + Math.Log(all.Sum(v => Math.Exp(v - max)));
    }
}
