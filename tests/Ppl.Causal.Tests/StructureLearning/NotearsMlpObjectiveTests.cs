using Ppl.Causal;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.StructureLearning;

/// <summary>NOTEARS-MLP's augmented Lagrangian against central differences and its parameter layout against the definition of A.</summary>
public sealed class NotearsMlpObjectiveTests
{
    [Theory]
    [InlineData(new[] { 4 })]
    [InlineData(new[] { 3, 2 })]
    public void GradientMatchesCentralDifferences(int[] hidden)
    {
        using var scope = NewDisposeScope();
        const int d = 3;
        var x = randn(20, d, dtype: float64, generator: new Generator(5));
        var objective = new NotearsMlpObjective(x, hidden, 0.05, 0.1) { Rho = 10, Alpha = 0.7 };
        var (lower, _) = objective.Layout.Bounds();
        var random = new Random(2);
        var theta = objective.Layout.Initial(random);
        for (int k = 0; k < theta.Length; k++)
        {
            // W⁺, W⁻ strictly inside their bounds, so the L1 term is smooth at θ.
            theta[k] = lower[k] == 0 ? 0.1 + (0.5 * random.NextDouble()) : theta[k];
        }

        var gradient = new double[theta.Length];
        objective.Evaluate(theta, gradient);
        var scratch = new double[theta.Length];
        const double step = 1e-6;
        for (int k = 0; k < theta.Length; k++)
        {
            var plus = (double[])theta.Clone();
            var minus = (double[])theta.Clone();
            plus[k] += step;
            minus[k] -= step;
            double fd = (objective.Evaluate(plus, scratch) - objective.Evaluate(minus, scratch)) / (2 * step);
            Assert.True(Math.Abs(fd - gradient[k]) < 1e-6 * Math.Max(1, Math.Abs(fd)), $"entry {k}: finite difference {fd}, gradient {gradient[k]}");
        }
    }

    [Fact]
    public void ValueIsTheLossPlusPenaltiesComputedByHand()
    {
        // One hidden unit per variable makes every term checkable on the host: fⱼ(x) = v_j σ(Σᵢ fc1[j, i] xᵢ + b_j) + c_j.
        using var scope = NewDisposeScope();
        const int d = 2, n = 3;
        double[,] xs = { { 0.5, -1.0 }, { 1.5, 0.2 }, { -0.3, 0.8 } };
        var objective = new NotearsMlpObjective(tensor(xs, dtype: float64), [1], 0.2, 0.3) { Rho = 4, Alpha = 0.5 };
        Assert.Equal((2 * 4) + 2 + 2 + 2, objective.Layout.Size);

        // θ = [W⁺ (j, i), W⁻ (j, i), b, v, c]
        double[] theta = [0, 0.7, 0.4, 0, 0, 0.2, 0.1, 0, 0.3, -0.2, 1.5, -0.8, 0.25, -0.5];
        double[,] fc1 = { { 0, 0.5 }, { 0.3, 0 } };
        double loss = 0;
        for (int r = 0; r < n; r++)
        {
            for (int j = 0; j < d; j++)
            {
                double pre = theta[8 + j];
                for (int i = 0; i < d; i++)
                {
                    pre += fc1[j, i] * xs[r, i];
                }

                double f = (theta[10 + j] / (1 + Math.Exp(-pre))) + theta[12 + j];
                loss += (xs[r, j] - f) * (xs[r, j] - f);
            }
        }

        // S = [[0, 0.25], [0.09, 0]]: exp(S) has trace 2 cosh(√(0.25·0.09)), so h = 2 cosh(0.15) − 2.
        double h = (2 * Math.Cosh(0.15)) - 2;
        double l1 = 0.7 + 0.4 + 0.2 + 0.1;
        double l2 = 0.25 + 0.09 + (1.5 * 1.5) + (0.8 * 0.8);
        double expected = (0.5 * loss / n) + (0.2 * l1) + (0.5 * 0.3 * l2) + (0.5 * 4 * h * h) + (0.5 * h);
        Assert.Equal(expected, objective.Evaluate(theta, new double[theta.Length]), 1e-12);
        Assert.Equal(h, objective.H(theta), 1e-14);
        var a = objective.Adjacency(theta);
        Assert.Equal(0.5, a[1, 0].item<double>(), 1e-14); // fc1[0, 1]: input 1 into variable 0's network, the edge 1 → 0
        Assert.Equal(0.3, a[0, 1].item<double>(), 1e-14);
        Assert.Equal(0.0, a.diagonal().abs().sum().item<double>());
    }

    [Fact]
    public void BoundsPinExactlyTheSelfInputsAndKeepTheFirstLayerNonNegative()
    {
        var layout = new NotearsMlpLayout(3, [2, 4]);
        var (lower, upper) = layout.Bounds();
        int pinned = 0;
        for (int k = 0; k < layout.Size; k++)
        {
            bool firstLayer = k < 2 * layout.FirstLayerSize;
            Assert.Equal(firstLayer ? 0.0 : double.NegativeInfinity, lower[k]);
            if (upper[k] == 0)
            {
                pinned++;
                int cell = k % layout.FirstLayerSize;
                Assert.Equal(cell / (2 * 3), cell % 3); // target j == input i
            }
        }

        Assert.Equal(2 * 3 * 2, pinned); // W⁺ and W⁻, d targets, m₁ = 2 units each
        Assert.Equal((2 * 18) + 6 + (3 * 2 * 4) + 12 + (3 * 4) + 3, layout.Size);
    }
}
