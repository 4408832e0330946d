using Ppl;
using Ppl.Causal;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.StructureLearning;

/// <summary>
/// The loop of issue 22: simulated data → (true or NOTEARS) graph → fitted linear-Gaussian SCM → do() answers,
/// against the true SEM's closed forms.
/// </summary>
[Trait(Stage.Key, Stage.Statistical)]
public sealed class LinearGaussianScmStatisticalTests(ITestOutputHelper output)
{
    /// <summary>ER2 d = 10 weights of seed <paramref name="seed"/>, and the Random that drew them (for the data).</summary>
    private static (Tensor W, Random Random) Er2(int seed)
    {
        var random = new Random(seed);
        return (RandomDag.Weights(RandomDag.Structure(10, 20, RandomGraphType.ErdosRenyi, random), random), random);
    }

    /// <summary>reach[i, j]: a directed path i ⇝ j of length ≥ 1.</summary>
    private static bool[,] Reach(Tensor w)
    {
        int d = (int)w.shape[0];
        var a = w.data<double>().ToArray();
        var reach = new bool[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                reach[i, j] = a[(i * d) + j] != 0;
            }
        }

        for (int k = 0; k < d; k++)
        {
            for (int i = 0; i < d; i++)
            {
                for (int j = 0; j < d; j++)
                {
                    reach[i, j] |= reach[i, k] && reach[k, j];
                }
            }
        }

        return reach;
    }

    private static Dictionary<string, Intervention> Do(string site, double value) => new() { [site] = value };

    [Fact]
    public void FitRecoversTheTrueSemWithinStandardErrors()
    {
        // n = 20,000 rows of ER2 d = 10 (σ = 1), each column shifted by c_j, so the true intercepts are
        // b_j = c_j − Σ_i W[i, j]·c_i. Each weight and intercept must be within 5 OLS standard errors
        // (σ̂_j·√[(A_jᵀA_j)⁻¹]_kk, A_j = [1, parents]); each σ̂_j within 5·σ/√(2n) = 0.025 of 1. Ceiling: every
        // weight and intercept tolerance ≤ 0.1 (so the test cannot pass on a loose fit).
        using var scope = NewDisposeScope();
        const int n = 20_000;
        var (w0, random) = Er2(0);
        var shift = tensor(Enumerable.Range(0, 10).Select(j => (j % 3) - 1.5 + (0.1 * j)).ToArray(), dtype: float64);
        var x = LinearSem.Sample(w0, n, SemNoise.Gaussian, random).add(shift);
        var scm = LinearGaussianScm.Fit(w0, x);
        var trueIntercepts = shift.sub(shift.unsqueeze(0).CheckedMatMul(w0).squeeze(0)).data<double>().ToArray();

        double worstWeight = 0, worstIntercept = 0, worstScale = 0, maxWeightTol = 0, maxInterceptTol = 0;
        for (int j = 0; j < 10; j++)
        {
            var parents = scm.Parents(j);
            var columns = new List<Tensor> { ones(n, 1, dtype: float64) };
            columns.AddRange(parents.Select(i => x.narrow(1, i, 1)));
            var design = cat(columns, 1);
            var se = linalg.inv(design.T.CheckedMatMul(design)).diagonal().sqrt().mul(scm.NoiseScales[j]).data<double>().ToArray();

            double interceptTol = 5 * se[0];
            maxInterceptTol = Math.Max(maxInterceptTol, interceptTol);
            double interceptError = Math.Abs(scm.Intercepts[j] - trueIntercepts[j]);
            worstIntercept = Math.Max(worstIntercept, interceptError / se[0]);
            Assert.True(interceptError < interceptTol, $"node {j}: intercept {scm.Intercepts[j]:F4} vs {trueIntercepts[j]:F4} (tolerance {interceptTol:F4})");

            for (int k = 0; k < parents.Count; k++)
            {
                double truth = w0[parents[k], j].item<double>(), tol = 5 * se[k + 1];
                maxWeightTol = Math.Max(maxWeightTol, tol);
                worstWeight = Math.Max(worstWeight, Math.Abs(scm.Weight(parents[k], j) - truth) / se[k + 1]);
                Assert.True(Math.Abs(scm.Weight(parents[k], j) - truth) < tol, $"W[{parents[k]}, {j}] = {scm.Weight(parents[k], j):F4} vs {truth:F4} (tolerance {tol:F4})");
            }

            worstScale = Math.Max(worstScale, Math.Abs(scm.NoiseScales[j] - 1));
            Assert.True(Math.Abs(scm.NoiseScales[j] - 1) < 5 / Math.Sqrt(2.0 * n), $"σ_{j} = {scm.NoiseScales[j]:F4}");
        }

        output.WriteLine($"worst |error|/se: weights {worstWeight:F2}, intercepts {worstIntercept:F2}; worst |σ̂ − 1| {worstScale:F4}; largest tolerances: weight {maxWeightTol:F4}, intercept {maxInterceptTol:F4}");
        Assert.True(maxWeightTol <= 0.1);
        Assert.True(maxInterceptTol <= 0.1);
    }

    [Fact]
    public void SamplingTheProgramMatchesTheClosedForm()
    {
        // CausalQueries.Interventional on the fitted program against the fitted SCM's closed form, for every
        // pair (i, j) with j a descendant of i in ER2 d = 10 (seed 0) and do(x_i = 1.5): |MC − closed| < 4·s.e.
        // with s.e. = sd/√draws from the draws, and 4·s.e. ≤ 0.3 (the ceiling: sd ≤ 15 under these interventions).
        using var scope = NewDisposeScope();
        var (w0, random) = Er2(0);
        var scm = LinearGaussianScm.Fit(w0, LinearSem.Sample(w0, 5000, SemNoise.Gaussian, random));
        var reach = Reach(w0);
        double worst = 0, maxTol = 0;
        int pairs = 0;
        for (int i = 0; i < 10; i++)
        {
            for (int j = 0; j < 10; j++)
            {
                if (!reach[i, j])
                {
                    continue;
                }

                var e = CausalQueries.Interventional<int>(scm.Model, 1, Do(scm.Names[i], 1.5), scm.Names[j], draws: 20_000, seed: 17 + (10 * i) + j);
                double closed = scm.InterventionalMean(j, i, 1.5), tol = 4 * e.StandardError;
                Assert.True(Math.Abs(e.Value - closed) < tol, $"do(x{i} = 1.5) on x{j}: {e}, closed form {closed:F4}");
                worst = Math.Max(worst, Math.Abs(e.Value - closed) / e.StandardError);
                maxTol = Math.Max(maxTol, tol);
                pairs++;
            }
        }

        output.WriteLine($"{pairs} descendant pairs; worst |MC − closed| = {worst:F2} s.e.; largest tolerance {maxTol:F4}");
        Assert.True(pairs >= 10);
        Assert.True(maxTol <= 0.3);
    }

    [Fact]
    public void NotearsInTheLoopAnswersDoQueriesLikeTheTrueScm()
    {
        // Simulate ER2 d = 10 (n = 1000, σ = 1), learn Ŵ with NOTEARS (λ₁ = 0.1), fit the SCM on Ŵ's support, and
        // ask E[x_j | do(x_i = 1)] for the descendant pair (i, j) of the true graph with the largest true total
        // effect. The sampled answer must be within 0.15·max(1, |truth|) + 4·s.e. of the true SEM's closed form.
        using var scope = NewDisposeScope();
        var errors = new List<double>();
        foreach (int seed in new[] { 0, 1, 2 })
        {
            var (w0, random) = Er2(seed);
            var x = LinearSem.Sample(w0, 1000, SemNoise.Gaussian, random);
            var result = Notears.Fit(x, new NotearsOptions { Lambda1 = 0.1 });
            Assert.True(result.IsDag);
            var learned = LinearGaussianScm.Fit(result.Weights, x);
            var truth = LinearGaussianScm.FromWeights(w0);
            var reach = Reach(w0);
            (int i, int j) best = (-1, -1);
            double bestEffect = 0;
            double sumAbs = 0;
            int count = 0;
            for (int i = 0; i < 10; i++)
            {
                for (int j = 0; j < 10; j++)
                {
                    if (reach[i, j])
                    {
                        double effect = truth.TotalEffect(i, j);
                        sumAbs += Math.Abs(learned.TotalEffect(i, j) - effect) / Math.Max(1, Math.Abs(effect));
                        count++;
                        if (Math.Abs(effect) > Math.Abs(bestEffect))
                        {
                            (best, bestEffect) = ((i, j), effect);
                        }
                    }
                }
            }

            var e = CausalQueries.Interventional<int>(learned.Model, 1, Do($"x{best.i}", 1.0), $"x{best.j}", draws: 20_000, seed: seed);
            double trueMean = truth.InterventionalMean(best.j, best.i, 1.0), learnedMean = learned.InterventionalMean(best.j, best.i, 1.0);
            double error = Math.Abs(e.Value - trueMean);
            errors.Add(error / Math.Max(1, Math.Abs(trueMean)));
            output.WriteLine($"seed {seed}: SHD {StructureMetrics.Compare(w0, result.Weights).Shd}; do(x{best.i} = 1) on x{best.j}: true {trueMean:F4}, learned closed form {learnedMean:F4}, sampled {e.Value:F4} ± {e.StandardError:F4}; error {error:F4}; mean relative total-effect error over {count} descendant pairs {sumAbs / count:F4}");
            Assert.True(Math.Abs(e.Value - learnedMean) < 4 * e.StandardError);
            Assert.True(error < (0.15 * Math.Max(1, Math.Abs(trueMean))) + (4 * e.StandardError), $"seed {seed}: {e} vs true {trueMean:F4}");
        }
    }

    [Fact]
    public void AReversedEdgeGivesAWrongInterventionalAnswer()
    {
        // Take an edge i → j of ER2 d = 10 (seed 0) that is the only directed path from i to j, so reversing it leaves
        // a DAG, and fit both SCMs to the same n = 20,000 rows. In the true graph E[x_j | do(x_i = x)] moves with
        // slope W[i, j]; in the reversed one j is an ancestor of i, so it does not move at all (closed form: exactly;
        // sampled: within 4 s.e. of 0), though the reversed model was fitted to the same data.
        using var scope = NewDisposeScope();
        var (w0, random) = Er2(0);
        var x = LinearSem.Sample(w0, 20_000, SemNoise.Gaussian, random);
        var reachWithout = (int i, int j) =>
        {
            var cut = w0.clone();
            cut[i, j] = tensor(0.0, dtype: float64);
            return Reach(cut)[i, j];
        };

        var edge = Enumerable.Range(0, 100).Select(k => (i: k / 10, j: k % 10))
            .First(p => w0[p.i, p.j].item<double>() != 0 && !reachWithout(p.i, p.j));
        double weight = w0[edge.i, edge.j].item<double>();
        var reversedGraph = w0.clone();
        reversedGraph[edge.i, edge.j] = tensor(0.0, dtype: float64);
        reversedGraph[edge.j, edge.i] = tensor(1.0, dtype: float64);

        var right = LinearGaussianScm.Fit(w0, x);
        var wrong = LinearGaussianScm.Fit(reversedGraph, x);
        double rightSlope = (right.InterventionalMean(edge.j, edge.i, 2.0) - right.InterventionalMean(edge.j, edge.i, -2.0)) / 4;
        double wrongSlope = (wrong.InterventionalMean(edge.j, edge.i, 2.0) - wrong.InterventionalMean(edge.j, edge.i, -2.0)) / 4;
        Assert.Equal(0.0, wrongSlope);
        Assert.True(Math.Abs(rightSlope - weight) < 0.05, $"slope {rightSlope:F4} vs W = {weight:F4}");
        Assert.True(Math.Abs(weight) >= 0.5);

        // The same through the programs: ATE of do(x_i = 2) vs do(x_i = −2) on x_j, paired worlds.
        string ti = $"x{edge.i}", oj = $"x{edge.j}";
        var rightAte = CausalQueries.Ate<int>(right.Model, 1, ti, 2.0, -2.0, oj, draws: 5000, seed: 5);
        var wrongAte = CausalQueries.Ate<int>(wrong.Model, 1, ti, 2.0, -2.0, oj, draws: 5000, seed: 5);
        output.WriteLine($"edge x{edge.i} → x{edge.j} (W = {weight:F4}): true-graph slope {rightSlope:F4}, ATE(2 vs −2) {rightAte}; reversed-graph slope {wrongSlope}, ATE {wrongAte}");
        Assert.True(Math.Abs(rightAte.Value - (4 * rightSlope)) < 1e-6 + (4 * rightAte.StandardError));
        Assert.True(Math.Abs(wrongAte.Value) < 1e-6 + (4 * wrongAte.StandardError));
        Assert.True(Math.Abs(rightAte.Value) > 1.9);
    }
}
