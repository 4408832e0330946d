namespace Ppl.Inference.Mcmc;

/// <summary>The few vector operations the samplers need, on host arrays.</summary>
internal static class Vectors
{
    public static double Dot(double[] a, double[] b)
    {
        double sum = 0;
        for (int i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    public static double[] Add(double[] a, double[] b)
    {
        var result = new double[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            result[i] = a[i] + b[i];
        }

        return result;
    }

    /// <summary>a + s · b.</summary>
    public static double[] AddScaled(double[] a, double s, double[] b)
    {
        var result = new double[a.Length];
        for (int i = 0; i < a.Length; i++)
        {
            result[i] = a[i] + (s * b[i]);
        }

        return result;
    }
}
