using System.Globalization;
using Ppl.Inference.Optim;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// Linear NOTEARS (Zheng, Aragam, Ravikumar &amp; Xing, NeurIPS 2018): learns a DAG's weighted
/// adjacency matrix W (W[i, j] ≠ 0 meaning i → j) by minimizing loss(W) + λ₁‖W‖₁ subject to
/// h(W) = tr(exp(W∘W)) − d = 0, as the authors' <c>notears_linear</c> does.
/// </summary>
/// <remarks>
/// <para>
/// The L1 term is made smooth by W = W⁺ − W⁻ with W⁺, W⁻ ≥ 0 (diagonals fixed at 0), and each
/// augmented Lagrangian subproblem loss + ½ρh² + αh + λ₁Σ(W⁺ + W⁻) is solved by L-BFGS-B
/// (<see cref="BoundedLbfgs"/>) from the previous solution. Dual loop: ρ₀ = 1, α₀ = 0; after a
/// solve, while h has not fallen below ¼ of its previous value (and ρ &lt; ρ_max), ρ ← 10ρ and
/// re-solve from the same start; then α ← α + ρh; stop when h ≤ h_tol, ρ ≥ ρ_max, or after the
/// step limit. Finally entries with |W| below the threshold are zeroed.
/// </para>
/// <para>
/// Identifiability rests on equal noise variances; standardizing the columns (or changing units)
/// can destroy the accuracy seen on simulated data, whose variances grow along the causal order
/// (Reisach et al. 2021, "varsortability").
/// </para>
/// </remarks>
public static class Notears
{
    /// <summary>Learns W from data.</summary>
    /// <param name="data">X, [n, d] with n ≥ 2, finite; binary (0/1) for the logistic loss, non-negative for the Poisson loss. The least-squares loss centres its columns.</param>
    /// <param name="options">Settings; null for the reference's defaults (λ₁ = 0.1, least squares, threshold 0.3).</param>
    /// <returns>The thresholded and raw estimates and the dual loop's trace.</returns>
    /// <exception cref="ArgumentException">X is not 2-D, has fewer than 2 rows, has non-finite entries, does not fit the loss, or an option is out of range.</exception>
    public static NotearsResult Fit(Tensor data, NotearsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        options ??= new NotearsOptions();
        Validate(options, "Notears.Fit");
        using var scope = NewDisposeScope();
        var x = StructureData.HostFloat64(data, "Notears.Fit");

        NotearsObjective objective;
        switch (options.Loss)
        {
            case NotearsLoss.LeastSquares:
                var centred = x.sub(x.mean([0L], keepdim: true));
                objective = new NotearsObjective(centred.T.CheckedMatMul(centred).div(x.shape[0]), options.Lambda1);
                break;
            case NotearsLoss.Logistic:
                if (!x.eq(0).logical_or(x.eq(1)).all().item<bool>())
                {
                    throw new ArgumentException($"Notears.Fit: the logistic loss needs binary data, but X [{x.shape[0]}, {x.shape[1]}] has entries other than 0 and 1; use NotearsLoss.LeastSquares for continuous data.", nameof(data));
                }

                objective = new NotearsObjective(x, options.Loss, options.Lambda1);
                break;
            default:
                if (x.lt(0).any().item<bool>())
                {
                    throw new ArgumentException($"Notears.Fit: the Poisson loss needs non-negative counts, but X [{x.shape[0]}, {x.shape[1]}] has negative entries; use NotearsLoss.LeastSquares for real-valued data.", nameof(data));
                }

                objective = new NotearsObjective(x, options.Loss, options.Lambda1);
                break;
        }

        return Solve(objective, options);
    }

    /// <summary>
    /// Learns W from the least-squares loss written through a second-moment matrix,
    /// ½ tr((I − W)ᵀ C (I − W)), which equals ½n⁻¹‖X − XW‖²_F for C = XᵀX/n of centred X.
    /// Passing a population covariance gives the population (n → ∞) estimate.
    /// </summary>
    /// <param name="covariance">C, a symmetric finite [d, d] matrix.</param>
    /// <param name="options">Settings; the loss must be <see cref="NotearsLoss.LeastSquares"/>.</param>
    /// <returns>The thresholded and raw estimates and the dual loop's trace.</returns>
    /// <exception cref="ArgumentException">C is not square 2-D, not finite, not symmetric, the loss is not least squares, or an option is out of range.</exception>
    public static NotearsResult FitCovariance(Tensor covariance, NotearsOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(covariance);
        options ??= new NotearsOptions();
        Validate(options, "Notears.FitCovariance");
        if (options.Loss != NotearsLoss.LeastSquares)
        {
            throw new ArgumentException($"Notears.FitCovariance: the {options.Loss} loss needs the data, not a covariance; call Notears.Fit(X) instead.", nameof(options));
        }

        if (covariance.dim() != 2 || covariance.shape[0] != covariance.shape[1] || covariance.shape[0] < 1)
        {
            throw new ArgumentException($"Notears.FitCovariance: C must be a square [d, d] matrix; got shape [{string.Join(", ", covariance.shape)}].", nameof(covariance));
        }

        using var scope = NewDisposeScope();
        var c = covariance.detach().to(float64).cpu();
        double asymmetry = c.sub(c.T).abs().max().item<double>(), size = c.abs().max().item<double>();
        if (!double.IsFinite(asymmetry) || asymmetry > 1e-10 * size)
        {
            throw new ArgumentException($"Notears.FitCovariance: C [{c.shape[0]}, {c.shape[1]}] must be finite and symmetric; its largest |C − Cᵀ| entry is {asymmetry.ToString("G3", CultureInfo.InvariantCulture)}. Pass XᵀX/n of centred X.", nameof(covariance));
        }

        return Solve(new NotearsObjective(c, options.Lambda1), options);
    }

    /// <summary>The dual loop of the reference's <c>notears_linear</c>.</summary>
    private static NotearsResult Solve(NotearsObjective objective, NotearsOptions options)
    {
        int d = objective.Nodes;
        var lower = new double[2 * d * d];
        var upper = new double[2 * d * d];
        for (int k = 0; k < upper.Length; k++)
        {
            int cell = k % (d * d);
            upper[k] = cell / d == cell % d ? 0 : double.PositiveInfinity;
        }

        var run = AugmentedLagrangian.Run(objective, new double[2 * d * d], lower, upper, options.MaxDualSteps, options.HTolerance, options.RhoMax, options.Solver, resolveFromLast: false);
        var w = run.X;
        double h = run.H;
        var raw = objective.Adjacency(w);
        var thresholded = raw.masked_fill(raw.abs().lt(options.WeightThreshold), 0.0);
        return new NotearsResult
        {
            Weights = thresholded.MoveToOuterDisposeScope(),
            RawWeights = raw.MoveToOuterDisposeScope(),
            HPerDualStep = run.HPerDualStep,
            RhoPerDualStep = run.RhoPerDualStep,
            IsDag = Dag.IsDag(thresholded),
            ReachedHTolerance = h <= options.HTolerance,
            InnerSolves = run.Solves,
        };
    }

    private static void Validate(NotearsOptions options, string site)
    {
        string Show(double v) => v.ToString("G", CultureInfo.InvariantCulture);
        if (!(options.Lambda1 >= 0 && double.IsFinite(options.Lambda1)))
        {
            throw new ArgumentException($"{site}: Lambda1 must be finite and ≥ 0; got {Show(options.Lambda1)}.", nameof(options));
        }

        if (options.MaxDualSteps < 1 || !(options.HTolerance > 0) || !(options.RhoMax > 1) || !(options.WeightThreshold >= 0))
        {
            throw new ArgumentException(
                $"{site}: need MaxDualSteps ≥ 1, HTolerance > 0, RhoMax > 1 and WeightThreshold ≥ 0; got {options.MaxDualSteps}, {Show(options.HTolerance)}, {Show(options.RhoMax)}, {Show(options.WeightThreshold)}.",
                nameof(options));
        }

        if (!Enum.IsDefined(options.Loss))
        {
            throw new ArgumentException($"{site}: unknown loss {options.Loss}.", nameof(options));
        }
    }
}
