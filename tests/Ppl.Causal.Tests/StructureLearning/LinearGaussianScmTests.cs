using Ppl;
using Ppl.Causal;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.StructureLearning;

/// <summary>The linear-Gaussian SCM built from a DAG: least squares against a direct solve, the closed-form interventional mean, the program's sites, and errors.</summary>
public sealed class LinearGaussianScmTests
{
    // x0 → x1 (2), x1 → x2 (−1), x0 → x2 (0.5); intercepts 1, 0, 3.
    private static Tensor Triangle() => tensor(new double[] { 0, 2, 0.5, 0, 0, -1, 0, 0, 0 }, [3, 3], dtype: float64);

    [Fact]
    public void ClosedFormPropagatesMeansInTheMutilatedGraph()
    {
        using var scope = NewDisposeScope();
        var scm = LinearGaussianScm.FromWeights(Triangle(), 1.0, [1, 0, 3]);

        // do(x1 = 4): x0 keeps its mean 1, the edge x0 → x1 is cut: E[x2] = 3 + 0.5·1 − 4 = −0.5.
        Assert.Equal(-0.5, scm.InterventionalMean(2, 1, 4.0), 12);
        Assert.Equal(1.0, scm.InterventionalMean(0, 1, 4.0), 12); // an ancestor does not move
        Assert.Equal(-0.5, scm.InterventionalMean("x2", "x1", 4.0), 12);

        // do(x0 = 2): x1 = 4, x2 = 3 + 1 − 4 = 0; the total effect of x0 on x2 is 0.5 + 2·(−1) = −1.5.
        Assert.Equal(new[] { 2.0, 4.0, 0.0 }, scm.InterventionalMeans(new Dictionary<int, double> { [0] = 2.0 }));
        Assert.Equal(-1.5, scm.TotalEffect(0, 2), 12);
        Assert.Equal(0.0, scm.TotalEffect(2, 0), 12);

        // No intervention: the observational means 1, 2, 3 + 0.5 − 2 = 1.5.
        Assert.Equal(new[] { 1.0, 2.0, 1.5 }, scm.InterventionalMeans(new Dictionary<int, double>()));
        Assert.Equal(new[] { 0, 1, 2 }, scm.TopologicalOrder);
        Assert.Equal(new[] { 0, 1 }, scm.Parents(2));
    }

    [Fact]
    public void FitIsOrdinaryLeastSquaresWithAnIntercept()
    {
        using var scope = NewDisposeScope();
        var random = new Random(3);
        var x = LinearSem.Sample(Triangle(), 60, SemNoise.Gaussian, random).add(tensor(new[] { 5.0, -2.0, 0.25 }, dtype: float64));
        var scm = LinearGaussianScm.Fit(Triangle(), x);

        // Node 2 on [1, x0, x1] by the normal equations, solved by torch.
        var design = cat([ones(60, 1, dtype: float64), x.narrow(1, 0, 2)], 1);
        var y = x.narrow(1, 2, 1);
        var beta = linalg.solve(design.T.CheckedMatMul(design), design.T.CheckedMatMul(y)).flatten().data<double>().ToArray();
        Assert.Equal(beta[0], scm.Intercepts[2], 9);
        Assert.Equal(beta[1], scm.Weight(0, 2), 9);
        Assert.Equal(beta[2], scm.Weight(1, 2), 9);
        double rss = y.sub(design.CheckedMatMul(tensor(beta, [3, 1], dtype: float64))).square().sum().item<double>();
        Assert.Equal(Math.Sqrt(rss / (60 - 3)), scm.NoiseScales[2], 9);

        // The root: its sample mean and sd (n − 1).
        Assert.Equal(x.select(1, 0).mean().item<double>(), scm.Intercepts[0], 9);
        Assert.Equal(x.select(1, 0).std().item<double>(), scm.NoiseScales[0], 9);
        Assert.Equal(0.0, scm.Weight(2, 0));
        Assert.Equal(0.0, scm.WeightMatrix()[0, 0].item<double>());
        Assert.Equal(-1.0, LinearGaussianScm.FromWeights(Triangle()).WeightMatrix()[1, 2].item<double>());
    }

    [Fact]
    public void ModelHasOneSampleSitePerNodeInAUnitsPlate()
    {
        using var scope = NewDisposeScope();
        // Noise sd 1e-6, so each value is its mechanism's mean to 1e-5 and the wiring shows.
        var scm = LinearGaussianScm.FromWeights(Triangle(), 1e-6, [1, 0, 3], ["a", "b", "c"]);
        Func<int, object?> model = scm.Model;
        var trace = model.GetTrace(7);
        Assert.Equal(new[] { "a", "b", "c" }, trace.SampleSites.Select(s => s.Name));
        foreach (var site in trace.SampleSites)
        {
            Assert.Equal(new long[] { 7 }, site.Value!.shape);
        }

        Tensor a = trace["a"].Value!, b = trace["b"].Value!, c = trace["c"].Value!;
        Assert.True(a.sub(1).abs().max().item<double>() < 1e-5);
        Assert.True(b.sub(a.mul(2)).abs().max().item<double>() < 1e-5);
        Assert.True(c.sub(a.mul(0.5).sub(b).add(3)).abs().max().item<double>() < 1e-5);
        Assert.Equal(2, scm.IndexOf("c"));
    }

    [Fact]
    public void ErrorsSayWhatIsWrong()
    {
        using var scope = NewDisposeScope();
        var x = LinearSem.Sample(Triangle(), 50, SemNoise.Gaussian, new Random(1));

        var cyclic = Triangle().clone();
        cyclic[2, 0] = tensor(1.0, dtype: float64);
        Assert.Contains("not a DAG", Assert.Throws<ArgumentException>(() => LinearGaussianScm.Fit(cyclic, x)).Message, StringComparison.Ordinal);
        Assert.Contains("not a DAG", Assert.Throws<ArgumentException>(() => LinearGaussianScm.Fit(eye(3, dtype: float64), x)).Message, StringComparison.Ordinal);
        Assert.Contains("not a DAG", Assert.Throws<ArgumentException>(() => LinearGaussianScm.FromWeights(cyclic)).Message, StringComparison.Ordinal);

        Assert.Contains("[n, 3]", Assert.Throws<ArgumentException>(() => LinearGaussianScm.Fit(Triangle(), x.narrow(1, 0, 2))).Message, StringComparison.Ordinal);
        Assert.Contains("square", Assert.Throws<ArgumentException>(() => LinearGaussianScm.Fit(zeros(3, 2), x)).Message, StringComparison.Ordinal);
        Assert.Contains("2-D", Assert.Throws<ArgumentException>(() => LinearGaussianScm.Fit(Triangle(), x.flatten())).Message, StringComparison.Ordinal);

        var constant = x.clone();
        constant[.., 1] = tensor(4.2, dtype: float64);
        Assert.Contains("column 1 ('x1') of X is constant", Assert.Throws<ArgumentException>(() => LinearGaussianScm.Fit(Triangle(), constant)).Message, StringComparison.Ordinal);

        var collinear = x.clone();
        collinear[.., 1] = x.select(1, 0).mul(3).add(1);
        var collider = tensor(new double[] { 0, 0, 1, 0, 0, 1, 0, 0, 0 }, [3, 3], dtype: float64); // x0 → x2 ← x1
        Assert.Contains("(columns 0, 1) are collinear", Assert.Throws<ArgumentException>(() => LinearGaussianScm.Fit(collider, collinear)).Message, StringComparison.Ordinal);

        var exact = x.clone();
        exact[.., 2] = x.select(1, 0).mul(0.5).sub(x.select(1, 1));
        Assert.Contains("exact linear function", Assert.Throws<ArgumentException>(() => LinearGaussianScm.Fit(Triangle(), exact)).Message, StringComparison.Ordinal);

        var nan = x.clone();
        nan[4, 0] = tensor(double.NaN, dtype: float64);
        Assert.Contains("X[4, 0] = NaN is not finite", Assert.Throws<ArgumentException>(() => LinearGaussianScm.Fit(Triangle(), nan)).Message, StringComparison.Ordinal);

        Assert.Contains("needs n > 3", Assert.Throws<ArgumentException>(() => LinearGaussianScm.Fit(Triangle(), x.narrow(0, 0, 3))).Message, StringComparison.Ordinal);
        Assert.Contains("2 names for 3 nodes", Assert.Throws<ArgumentException>(() => LinearGaussianScm.Fit(Triangle(), x, ["a", "b"])).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => LinearGaussianScm.Fit(Triangle(), x, ["a", "a", "b"]));
        Assert.Throws<ArgumentException>(() => LinearGaussianScm.Fit(Triangle(), x, ["a", "units", "b"]));
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearGaussianScm.FromWeights(Triangle(), 0.0));

        var scm = LinearGaussianScm.Fit(Triangle(), x);
        Assert.Throws<ArgumentOutOfRangeException>(() => scm.InterventionalMean(3, 0, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => scm.InterventionalMean(0, -1, 1.0));
        Assert.Throws<ArgumentException>(() => scm.InterventionalMean(2, 0, double.NaN));
        Assert.Contains("no node is named 'y'", Assert.Throws<ArgumentException>(() => scm.InterventionalMean("y", "x0", 1.0)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => scm.Model(0));
    }
}
