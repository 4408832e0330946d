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
