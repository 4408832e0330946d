using System.Globalization;
using Ppl.Inference.Optim;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// Nonparametric NOTEARS with MLPs (Zheng, Dan, Aragam, Ravikumar &amp; Xing, "Learning Sparse
/// Nonparametric DAGs", AISTATS 2020), as the authors' <c>notears_nonlinear</c> with
/// <c>NotearsMLP</c>: each variable j is fitted by its own MLP fⱼ of all the other variables, and
/// the graph is read from the first layer: A[i, j] = ‖fc1 weights from input i into fⱼ‖₂, with
/// the acyclicity constraint h(A) = tr(exp(A∘A)) − d = 0.
/// </summary>
/// <remarks>
/// <para>
/// The networks have the given hidden widths (default one layer of 10) with sigmoid activations and
/// biases; the first layer is split as W⁺ − W⁻ with W⁺, W⁻ ≥ 0 so that its L1 penalty is smooth, and
/// the weights from input j into fⱼ are pinned at 0. Each augmented Lagrangian subproblem
/// ½n⁻¹‖X − f(X)‖² + λ₁Σ(W⁺ + W⁻) + ½λ₂Σw² + ½ρh² + αh is solved by L-BFGS-B
/// (<see cref="BoundedLbfgs"/>) from the previous solution, with gradients from TorchSharp's
/// autograd. Dual loop: ρ₀ = 1, α₀ = 0; while h has not fallen below ¼ of its previous value (and
/// ρ &lt; ρ_max), ρ ← 10ρ and re-solve; then α ← α + ρh; stop when h ≤ h_tol, ρ ≥ ρ_max or after
/// the step limit. Finally entries of A below the threshold are zeroed.
/// </para>
/// <para>
/// The data may live on any device in any float dtype: the fit copies it to the CPU in float64 and
/// works there, because the per-evaluation tensors are small and the solver runs on the host.
/// The objective is nonconvex, so the answer depends on the random start
/// (<see cref="NotearsMlpOptions.Seed"/>). The data are not centred or scaled (the biases absorb
/// the means); as for linear NOTEARS, rescaling the columns can change the learned graph.
/// </para>
/// </remarks>
public static class NotearsMlp
{
    private const string Site = "NotearsMlp.Fit";

    /// <summary>Learns the graph of X.</summary>
    /// <param name="data">X, [n, d] with n ≥ 2, d ≥ 1, finite, samples in rows.</param>
    /// <param name="options">Settings; null for the reference's defaults (one hidden layer of 10, λ₁ = λ₂ = 0.01, threshold 0.3).</param>
    /// <returns>The thresholded and raw adjacency and the dual loop's trace.</returns>
    /// <exception cref="ArgumentException">X is not 2-D, has fewer than 2 rows, has non-finite entries, or an option is out of range.</exception>
    public static NotearsMlpResult Fit(Tensor data, NotearsMlpOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new NotearsMlpOptions();
        Validate(options);
        using var scope = NewDisposeScope();
        var x = StructureData.HostFloat64(data, Site);

        var objective = new NotearsMlpObjective(x, options.HiddenUnits, options.Lambda1, options.Lambda2);
        var (lower, upper) = objective.Layout.Bounds();
        var theta = objective.Layout.Initial(new Random(options.Seed));
        var run = AugmentedLagrangian.Run(objective, theta, lower, upper, options.MaxDualSteps, options.HTolerance, options.RhoMax, options.Solver, resolveFromLast: true);
        theta = run.X;
        double h = run.H;
        var raw = objective.Adjacency(theta);
        var thresholded = raw.masked_fill(raw.lt(options.WeightThreshold), 0.0);
        return new NotearsMlpResult
        {
            Weights = thresholded.MoveToOuterDisposeScope(),
            RawWeights = raw.MoveToOuterDisposeScope(),
            HPerDualStep = run.HPerDualStep,
            RhoPerDualStep = run.RhoPerDualStep,
            IsDag = Dag.IsDag(thresholded),
            ReachedHTolerance = h <= options.HTolerance,
            InnerSolves = run.Solves,
            Evaluations = run.Evaluations,
        };
    }

    private static void Validate(NotearsMlpOptions options)
    {
        string Show(double v) => v.ToString("G", CultureInfo.InvariantCulture);
        if (!(options.Lambda1 >= 0 && double.IsFinite(options.Lambda1)) || !(options.Lambda2 >= 0 && double.IsFinite(options.Lambda2)))
        {
            throw new ArgumentException($"{Site}: Lambda1 and Lambda2 must be finite and ≥ 0; got {Show(options.Lambda1)} and {Show(options.Lambda2)}.", nameof(options));
        }

        if (options.HiddenUnits is null || options.HiddenUnits.Count == 0 || options.HiddenUnits.Any(m => m < 1))
        {
            string got = options.HiddenUnits is null ? "null" : $"[{string.Join(", ", options.HiddenUnits)}]";
            throw new ArgumentException($"{Site}: HiddenUnits must list at least one hidden layer width, each ≥ 1; got {got}. The reference uses [10].", nameof(options));
        }

        if (options.MaxDualSteps < 1 || !(options.HTolerance > 0) || !(options.RhoMax > 1) || !(options.WeightThreshold >= 0))
        {
            throw new ArgumentException(
                $"{Site}: need MaxDualSteps ≥ 1, HTolerance > 0, RhoMax > 1 and WeightThreshold ≥ 0; got {options.MaxDualSteps}, {Show(options.HTolerance)}, {Show(options.RhoMax)}, {Show(options.WeightThreshold)}.",
                nameof(options));
        }
    }
}
