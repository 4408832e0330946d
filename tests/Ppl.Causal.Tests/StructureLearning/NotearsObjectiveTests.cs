using Ppl.Causal;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.StructureLearning;

/// <summary>The augmented Lagrangian's gradient against central differences, for each loss.</summary>
public sealed class NotearsObjectiveTests
{
    [Theory]
    [InlineData(NotearsLoss.LeastSquares)]
    [InlineData(NotearsLoss.Logistic)]
    [InlineData(NotearsLoss.Poisson)]
    public void GradientMatchesCentralDifferences(NotearsLoss loss)
    {
        using var scope = NewDisposeScope();
        const int d = 4;
        var g = new Generator(3);
        var x = loss switch
        {
            NotearsLoss.Logistic => rand(30, d, dtype: float64, generator: g).lt(0.4).to(float64),
            NotearsLoss.Poisson => rand(30, d, dtype: float64, generator: g).mul(4).floor(),
            _ => randn(30, d, dtype: float64, generator: g),
        };
        var objective = new NotearsObjective(x, loss, 0.1) { Rho = 10, Alpha = 0.7 };
        var w = rand(2 * d * d, dtype: float64, generator: g).mul(0.4).data<double>().ToArray();
        var gradient = new double[w.Length];
        objective.Evaluate(w, gradient);
        var scratch = new double[w.Length];
        const double step = 1e-6;
        for (int k = 0; k < w.Length; k++)
        {
            var plus = (double[])w.Clone();
            var minus = (double[])w.Clone();
            plus[k] += step;
            minus[k] -= step;
            double fd = (objective.Evaluate(plus, scratch) - objective.Evaluate(minus, scratch)) / (2 * step);
            Assert.True(Math.Abs(fd - gradient[k]) < 1e-5 * Math.Max(1, Math.Abs(fd)), $"{loss} entry {k}: finite difference {fd}, gradient {gradient[k]}");
        }
    }

    [Fact]
    public void CovarianceFormEqualsTheDataFormOfLeastSquares()
    {
        using var scope = NewDisposeScope();
        var x = randn(40, 3, dtype: float64, generator: new Generator(1));
        var w = rand(18, dtype: float64, generator: new Generator(2)).data<double>().ToArray();
        var fromData = new NotearsObjective(x, NotearsLoss.LeastSquares, 0.1) { Rho = 3, Alpha = 0.2 };
        var fromCovariance = new NotearsObjective(x.T.matmul(x).div(40), 0.1) { Rho = 3, Alpha = 0.2 };
        var g1 = new double[18];
        var g2 = new double[18];
        Assert.Equal(fromData.Evaluate(w, g1), fromCovariance.Evaluate(w, g2), 1e-12);
        for (int k = 0; k < 18; k++)
        {
            Assert.Equal(g1[k], g2[k], 1e-12);
        }
    }
}
