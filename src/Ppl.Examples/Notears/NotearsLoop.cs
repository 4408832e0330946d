using Ppl.Causal;
using static TorchSharp.torch;

namespace Ppl.Examples.Notears;

/// <summary>
/// Data → learned DAG → SCM program → interventional answers: the learned graph becomes a
/// <see cref="LinearGaussianScm"/> (weights and noise scales fitted by least squares), whose
/// program <see cref="CausalQueries.Interventional{TArgs}"/> samples under do(); the answers are
/// compared with the true SCM's closed form.
/// </summary>
internal static class NotearsLoop
{
    /// <summary>Monte Carlo draws per query.</summary>
    public const int Draws = 20_000;

    /// <summary>The <paramref name="pairs"/> (cause, effect) pairs with the largest true total effects, each asked at do(cause = 1).</summary>
    public static IReadOnlyList<InterventionalCheck> StrongestEffects(NotearsTrial trial, int pairs, long seed)
    {
        var learned = LinearGaussianScm.Fit(trial.Result.Weights, trial.Data);
        var truth = LinearGaussianScm.FromWeights(trial.Truth);
        int d = truth.Nodes;
        var chosen = (from i in Enumerable.Range(0, d)
                      from j in Enumerable.Range(0, d)
                      where i != j && Math.Abs(truth.TotalEffect(i, j)) > 1e-9
                      orderby Math.Abs(truth.TotalEffect(i, j)) descending
                      select (i, j)).Take(pairs).ToList();
        var checks = new List<InterventionalCheck>();
        foreach (var (cause, effect) in chosen)
        {
            var intervention = new Dictionary<string, Intervention>(StringComparer.Ordinal) { [learned.Names[cause]] = 1.0 };
            var estimate = CausalQueries.Interventional<int>(learned.Model, 1, intervention, learned.Names[effect], draws: Draws, seed: seed);
            checks.Add(new InterventionalCheck(cause, effect, 1.0, estimate.Value, estimate.StandardError,
                learned.InterventionalMean(effect, cause, 1.0), truth.InterventionalMean(effect, cause, 1.0)));
        }

        return checks;
    }

    /// <summary>
    /// A true edge i → j that NOTEARS learned as j → i in <paramref name="trial"/>, the strongest if
    /// there are several; null if it reversed none.
    /// </summary>
    public static (int From, int To)? ReversedEdge(NotearsTrial trial)
    {
        var w = Host(trial.Truth);
        var learned = Host(trial.Result.Weights);
        int d = w.GetLength(0);
        (int, int)? best = null;
        double strongest = 0;
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                if (w[i, j] != 0 && learned[i, j] == 0 && learned[j, i] != 0 && Math.Abs(w[i, j]) > strongest)
                {
                    strongest = Math.Abs(w[i, j]);
                    best = (i, j);
                }
            }
        }

        return best;
    }

    /// <summary>
    /// E[X_to | do(X_from = x)] for several x under the true SCM and under an SCM fitted on
    /// <paramref name="graph"/>, in which the edge from → to points the other way: the learned
    /// answer stops moving with x.
    /// </summary>
    public static IReadOnlyList<(double X, double Learned, double Truth)> ReversalCurve(NotearsTrial trial, Tensor graph, int from, int to)
    {
        var learned = LinearGaussianScm.Fit(graph, trial.Data);
        var truth = LinearGaussianScm.FromWeights(trial.Truth);
        return [.. new[] { -2.0, -1.0, 0.0, 1.0, 2.0 }.Select(x => (x, learned.InterventionalMean(to, from, x), truth.InterventionalMean(to, from, x)))];
    }

    /// <summary>The edges of <paramref name="truth"/>, strongest first.</summary>
    public static IEnumerable<(int From, int To)> ReversibleEdges(Tensor truth)
    {
        var w = Host(truth);
        int d = w.GetLength(0);
        return from i in Enumerable.Range(0, d)
               from j in Enumerable.Range(0, d)
               where w[i, j] != 0
               orderby Math.Abs(w[i, j]) descending
               select (i, j);
    }

    /// <summary>The true graph with the one edge from → to reversed (weight kept): the mistake NOTEARS makes when it reverses that edge.</summary>
    public static Tensor WithEdgeReversed(Tensor truth, int from, int to)
    {
        var w = Host(truth);
        (w[to, from], w[from, to]) = (w[from, to], 0.0);
        return tensor(w, dtype: float64);
    }

    private static double[,] Host(Tensor t)
    {
        int d = (int)t.shape[0];
        var flat = t.detach().to(float64).cpu().data<double>().ToArray();
        var a = new double[d, d];
        Buffer.BlockCopy(flat, 0, a, 0, flat.Length * sizeof(double));
        return a;
    }
}
