using MathNet.Numerics.LinearAlgebra;
using Ppl.Causal;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Deconfounding;

/// <summary>The per-cause regressions against ordinary least squares solved independently (MathNet's QR), one regression at a time.</summary>
public sealed class CauseEffectsTests
{
    private static (Tensor A, Tensor Y, Tensor Z) Data(long seed)
    {
        var g = new Generator((ulong)seed);
        var z = randn(200, 2, dtype: float64, generator: g);
        var a = rand(200, 6, dtype: float64, generator: g).lt(z.select(1, 0).sigmoid().unsqueeze(-1).mul(0.6)).to(float64);
        var y = a.matmul(tensor(new[] { 1.0, -0.5, 0, 0.3, 0, 2 }, dtype: float64)).add(z.matmul(tensor(new[] { 1.5, -1.0 }, dtype: float64))).add(randn(200, dtype: float64, generator: g));
        return (a, y, z);
    }

    private static double[] Ols(Matrix<double> x, Vector<double> y) => x.QR().Solve(y).ToArray();

    private static Matrix<double> Columns(params Tensor[] columns)
    {
        var parts = columns.Select(c => c.dim() == 1 ? c.unsqueeze(-1) : c).ToArray();
        var all = cat(parts, 1).contiguous();
        int n = (int)all.shape[0], p = (int)all.shape[1];
        var values = all.data<double>().ToArray();
        return Matrix<double>.Build.Dense(n, p, (i, j) => values[(i * p) + j]);
    }

    [Fact]
    public void SingleCauseIsEachCausesOwnRegression()
    {
        using var scope = NewDisposeScope();
        var (a, y, z) = Data(1);
        var yv = Vector<double>.Build.DenseOfArray(y.data<double>().ToArray());
        var one = ones(200, dtype: float64);
        var adjusted = CauseEffects.SingleCause(a, y, z).data<double>().ToArray();
        var naive = CauseEffects.SingleCause(a, y).data<double>().ToArray();
        for (int j = 0; j < 6; j++)
        {
            Assert.Equal(Ols(Columns(one, a.select(1, j), z), yv)[1], adjusted[j], 1e-9);
            var treated = a.select(1, j).eq(1);
            double contrast = y.index(treated).mean().item<double>() - y.index(treated.logical_not()).mean().item<double>();
            Assert.Equal(contrast, naive[j], 1e-9); // without adjustment: the difference in means
        }
    }

    [Fact]
    public void StandardizedRidgeIsRidgeOnCentredUnitNormColumns()
    {
        using var scope = NewDisposeScope();
        var (a, y, z) = Data(4);
        const double penalty = 4.0;
        var yc = Vector<double>.Build.DenseOfArray(y.sub(y.mean()).data<double>().ToArray());
        var adjusted = CauseEffects.SingleCause(a, y, z, penalty).data<double>().ToArray();
        var alone = CauseEffects.SingleCause(a, y, null, penalty).data<double>().ToArray();
        var ols = CauseEffects.SingleCause(a, y).data<double>().ToArray();
        for (int j = 0; j < 6; j++)
        {
            // scikit-learn's Ridge(alpha, normalize=True) written out: centre, scale each column to unit norm, solve, scale back
            var x = Columns(a.select(1, j), z);
            var norms = new double[x.ColumnCount];
            for (int c = 0; c < x.ColumnCount; c++)
            {
                var column = x.Column(c);
                column = column.Subtract(column.Average());
                norms[c] = column.L2Norm();
                x.SetColumn(c, column.Divide(norms[c]));
            }

            var w = (x.TransposeThisAndMultiply(x) + Matrix<double>.Build.DenseIdentity(x.ColumnCount).Multiply(penalty)).Solve(x.TransposeThisAndMultiply(yc));
            Assert.Equal(w[0] / norms[0], adjusted[j], 1e-9);
            Assert.Equal(ols[j] / (1 + penalty), alone[j], 1e-9); // a lone cause: least squares shrunk by 1/(1 + penalty)
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => CauseEffects.SingleCause(a, y, z, -1));
        var constant = ones(200, 1, dtype: float64);
        var e = Assert.Throws<ArgumentException>(() => CauseEffects.SingleCause(a, y, constant, penalty));
        Assert.Contains("constant", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MultiCauseIsOneRegressionAndRidgeIsItsClosedForm()
    {
        using var scope = NewDisposeScope();
        var (a, y, z) = Data(2);
        var yv = Vector<double>.Build.DenseOfArray(y.data<double>().ToArray());
        var x = Columns(ones(200, dtype: float64), a, z);
        var expected = Ols(x, yv).Skip(1).Take(6).ToArray();
        var actual = CauseEffects.MultiCause(a, y, z).data<double>().ToArray();
        for (int j = 0; j < 6; j++)
        {
            Assert.Equal(expected[j], actual[j], 1e-9);
        }

        const double ridge = 5.0;
        var penalty = Matrix<double>.Build.DenseDiagonal(9, 9, ridge);
        penalty[0, 0] = 0;
        var ridged = (x.TransposeThisAndMultiply(x) + penalty).Solve(x.TransposeThisAndMultiply(yv)).ToArray();
        var actualRidge = CauseEffects.MultiCause(a, y, z, ridge).data<double>().ToArray();
        for (int j = 0; j < 6; j++)
        {
            Assert.Equal(ridged[j + 1], actualRidge[j], 1e-9);
        }
    }

    [Fact]
    public void UnidentifiedEffectsAreErrorsNotNumbers()
    {
        using var scope = NewDisposeScope();
        var (a, y, _) = Data(3);
        var collinear = a.narrow(1, 0, 2).sum([1L]).unsqueeze(-1); // a linear function of the causes
        var e = Assert.Throws<ArgumentException>(() => CauseEffects.MultiCause(a, y, collinear));
        Assert.Contains("collinear", e.Message, StringComparison.Ordinal);
        var constant = a.clone().index_fill(1, tensor(new long[] { 2 }), 1.0);
        var flat = Assert.Throws<ArgumentException>(() => CauseEffects.SingleCause(constant, y));
        Assert.Contains("first: 2", flat.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => CauseEffects.SingleCause(a, y.narrow(0, 0, 10)));
        Assert.Throws<ArgumentOutOfRangeException>(() => CauseEffects.MultiCause(a, y, null, -1));
    }
}
