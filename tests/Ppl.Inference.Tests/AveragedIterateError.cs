using MathNet.Numerics.LinearAlgebra;

namespace Ppl.Tests.Inference;

/// <summary>
/// The theory's standard error of the mean of <c>record</c> SVI iterates at a constant learning
/// rate, the ceiling for the batch-means error <see cref="StationaryFit"/> measures. Near the
/// optimum θ_{t+1} − θ* ≈ (1 − PH)(θ_t − θ*) − Pξ_t for any slowly varying preconditioner P
/// (Adam's 1/√v), so the average of T iterates is θ* − H⁻¹ mean(ξ) up to O(τ/T): its covariance
/// is H⁻¹CH⁻¹/(K·T), whatever the learning rate. When the guide family holds the exact posterior
/// the per-particle gradient at the optimum is the score, so C = H = I, the family's Fisher
/// information per draw, and a quantity f(θ) has standard error √(∇fᵀI⁻¹∇f/(K·T)): the precision
/// of fitting the family by maximum likelihood to K·T exact posterior draws.
/// </summary>
internal static class AveragedIterateError
{
    /// <summary>
    /// Headroom over the theory: ten batch means estimate their own spread with 9 degrees of
    /// freedom (√(χ²₉/9) exceeds 2.0 about once in 10⁵), and the theory neglects the O(τ/T)
    /// start-up term and how the parameters' own jitter feeds the gradient noise (seeds 4–8 of
    /// the MVN regression measured 0.8–1.8 times the theory).
    /// </summary>
    public const double Headroom = 2.5;

    /// <summary>The standard error of f's averaged iterate: √(∇fᵀ I⁻¹ ∇f / (K·T)).</summary>
    public static double Of(double[] gradient, Matrix<double> fisher, int particles, int steps)
    {
        var g = Vector<double>.Build.DenseOfArray(gradient);
        return Math.Sqrt(g.DotProduct(fisher.Solve(g)) / ((double)particles * steps));
    }

    /// <summary>The standard-error ceilings of every output of <paramref name="f"/> at <paramref name="theta"/> (gradients by central differences).</summary>
    public static double[] Ceilings(Func<double[], double[]> f, double[] theta, Matrix<double> fisher, int particles, int steps)
    {
        int k = f(theta).Length;
        var gradients = new double[k][];
        for (int j = 0; j < k; j++)
        {
            gradients[j] = new double[theta.Length];
        }

        for (int i = 0; i < theta.Length; i++)
        {
            double h = 1e-6 * Math.Max(1, Math.Abs(theta[i]));
            double[] up = [.. theta], down = [.. theta];
            up[i] += h;
            down[i] -= h;
            var fu = f(up);
            var fd = f(down);
            for (int j = 0; j < k; j++)
            {
                gradients[j][i] = (fu[j] - fd[j]) / (2 * h);
            }
        }

        return [.. gradients.Select(g => Headroom * Of(g, fisher, particles, steps))];
    }

    /// <summary>Fisher information of Beta(a, b) in (a, b): ψ′(a) − ψ′(a+b), ψ′(b) − ψ′(a+b) on the diagonal, −ψ′(a+b) off it.</summary>
    public static Matrix<double> BetaFisher(double a, double b)
    {
        double ab = Polygamma.Trigamma(a + b);
        return Matrix<double>.Build.DenseOfArray(new[,] { { Polygamma.Trigamma(a) - ab, -ab }, { -ab, Polygamma.Trigamma(b) - ab } });
    }

    /// <summary>Fisher information of Gamma(shape α, rate β) in (α, β): [[ψ′(α), −1/β], [−1/β, α/β²]].</summary>
    public static Matrix<double> GammaFisher(double shape, double rate) =>
        Matrix<double>.Build.DenseOfArray(new[,] { { Polygamma.Trigamma(shape), -1 / rate }, { -1 / rate, shape / (rate * rate) } });
}
