using System.Globalization;
using Ppl.Inference;
using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// A Monte-Carlo estimate of a causal quantity, with the weighted draws it came from: the mean
/// (<see cref="Value"/>) and its standard error, and the distribution of the quantity across draws
/// (<see cref="Samples"/>, <see cref="Variance"/>, <see cref="Quantiles"/>) — for a counterfactual
/// query, the counterfactual distribution of the outcome given the evidence.
/// </summary>
/// <remarks>
/// <para>What a draw is depends on the query: the outcome under the intervention
/// (<see cref="CausalQueries.Interventional{TArgs}"/>), the paired treatment-minus-control
/// difference under the same noise (<see cref="CausalQueries.Ate{TArgs}"/>), the counterfactual
/// outcome weighted by the evidence's likelihood (<see cref="CausalQueries.Counterfactual{TArgs}"/>,
/// <see cref="AbductionActionPrediction.Predict{TArgs}"/>), or the outcome of each inner draw weighted
/// by its share of its adjustment draw (<see cref="CausalQueries.Backdoor{TArgs}"/>). The outcome of a
/// draw is the mean of the outcome site over its own batch (one number per draw).</para>
/// <para>Estimates from data made outside the queries use the same type: <see cref="OfMean"/> for
/// independent equal draws (a simulation, a counterfactual replay of logged episodes),
/// <see cref="Exact"/> for a value known in closed form, and the public constructor for weighted
/// draws (a self-normalized importance estimate).</para>
/// <para>The numbers are computed when the estimate is made; <see cref="Samples"/> holds tensors of
/// the dispose scope the query was called in (on the model's device), so <see cref="Quantiles"/>
/// needs that scope alive.</para>
/// </remarks>
public sealed class CausalEstimate
{
    private readonly double _lower;
    private readonly double _upper;

    /// <summary>The estimate of the weighted draws' expectation: their weighted mean, with its delta-method standard error.</summary>
    /// <param name="samples">One weighted draw of the quantity per model draw (a vector).</param>
    /// <exception cref="ArgumentException">The draws are not a vector.</exception>
    public CausalEstimate(WeightedSamples samples)
        : this(samples, null, null, 0)
    {
    }

    /// <summary>
    /// The mean of independent, equally weighted draws of a quantity (e.g. one return per logged
    /// episode, or per episode the mean of its counterfactual replays) with the classical standard
    /// error s/√n, s the sample standard deviation (n − 1 in its denominator): the error a reader of
    /// a table of simulation results expects. <see cref="Samples"/> holds the draws as float64.
    /// </summary>
    /// <param name="draws">The draws, any shape (flattened): n = its number of elements.</param>
    /// <exception cref="ArgumentException">Fewer than two draws.</exception>
    public static CausalEstimate OfMean(Tensor draws)
    {
        ArgumentNullException.ThrowIfNull(draws);
        long n = draws.numel();
        if (n < 2)
        {
            throw new ArgumentException($"A standard error needs at least two draws; got {n}.", nameof(draws));
        }

        var flat = draws.flatten().to(ScalarType.Float64);
        double mean, standardError;
        using (var scope = NewDisposeScope())
        {
            mean = flat.mean().item<double>();
            standardError = flat.std().item<double>() / Math.Sqrt(n);
        }

        return new CausalEstimate(WeightedSamples.FromNormalized(flat, full([n], 1.0 / n, dtype: ScalarType.Float64, device: flat.device)), mean, standardError, 0);
    }

    /// <summary>A value known exactly (from a closed form or dynamic programming): one draw of weight 1, standard error zero.</summary>
    public static CausalEstimate Exact(double value) =>
        new(WeightedSamples.FromNormalized(tensor(new[] { value }, dtype: ScalarType.Float64), ones([1], dtype: ScalarType.Float64)), value, 0, 0);

    /// <param name="samples">The draws.</param>
    /// <param name="value">The estimate when it is not the draws' weighted mean (a bias-corrected one); null for the mean.</param>
    /// <param name="standardError">Its standard error when it is not the delta-method error of the mean.</param>
    /// <param name="biasCorrection">The uncorrected estimate minus <paramref name="value"/>.</param>
    internal CausalEstimate(WeightedSamples samples, double? value, double? standardError, double biasCorrection)
    {
        ArgumentNullException.ThrowIfNull(samples);
        if (samples.Values.dim() != 1)
        {
            throw new ArgumentException($"A causal estimate takes one number per draw; got draws of shape {Distributions.ShapeUtil.Format(samples.Values.shape)}.", nameof(samples));
        }

        using var scope = NewDisposeScope();
        Samples = samples;
        Value = value ?? samples.Mean().to(ScalarType.Float64).item<double>();
        StandardError = standardError ?? samples.MeanStandardError().to(ScalarType.Float64).item<double>();
        Draws = samples.Count;
        EffectiveSampleSize = samples.EffectiveSampleSize().to(ScalarType.Float64).item<double>();
        BiasCorrection = biasCorrection;
        Variance = samples.Variance().to(ScalarType.Float64).item<double>();
        var interval = samples.Quantiles(0.05, 0.95).to(ScalarType.Float64).cpu().data<double>().ToArray();
        (_lower, _upper) = (interval[0], interval[1]);
    }

    /// <summary>The estimate (for <see cref="CausalQueries.Backdoor{TArgs}"/>, bias-corrected: see <see cref="BiasCorrection"/>).</summary>
    public double Value { get; }

    /// <summary>Its Monte-Carlo standard error (self-normalized importance sampling: the delta-method error).</summary>
    public double StandardError { get; }

    /// <summary>How many draws it used.</summary>
    public int Draws { get; }

    /// <summary>Kish's effective sample size of the weights, (Σw)²/Σw² (= <see cref="Draws"/> when unweighted).</summary>
    public double EffectiveSampleSize { get; }

    /// <summary>
    /// How far a bias correction moved <see cref="Value"/>: the uncorrected estimate minus <see cref="Value"/>
    /// (0 when there was none; <see cref="CausalQueries.Backdoor{TArgs}"/> jackknifes its inner estimates). When it is
    /// not small next to <see cref="StandardError"/>, raise the number of inner draws: what remains is of the order of
    /// the correction divided by them.
    /// </summary>
    public double BiasCorrection { get; }

    /// <summary>
    /// The weighted draws of the quantity, shape <c>[Draws]</c> (float64, on the model's device), with
    /// normalized weights: an empirical distribution of the quantity. Their weighted mean is
    /// <see cref="Value"/> plus <see cref="BiasCorrection"/>.
    /// </summary>
    public WeightedSamples Samples { get; }

    /// <summary>The variance of the quantity across draws, Σ wᵢ(xᵢ − x̄)² (for a counterfactual query: the counterfactual variance).</summary>
    public double Variance { get; }

    /// <summary>The square root of <see cref="Variance"/>.</summary>
    public double StandardDeviation => Math.Sqrt(Variance);

    /// <summary>
    /// Weighted quantiles of the quantity across draws (the inverse of the weighted empirical CDF, see
    /// <see cref="WeightedSamples.Quantiles"/>); their Monte-Carlo error shrinks with <see cref="EffectiveSampleSize"/>.
    /// </summary>
    /// <exception cref="ArgumentException">No level given, or one outside (0, 1).</exception>
    public double[] Quantiles(params double[] levels)
    {
        using var scope = NewDisposeScope();
        return Samples.Quantiles(levels).to(ScalarType.Float64).cpu().data<double>().ToArray();
    }

    /// <summary>
    /// The estimate ± its standard error with the draws and ESS, then the spread of the quantity across
    /// draws (sd and the 5% and 95% quantiles); invariant culture.
    /// </summary>
    public override string ToString()
    {
        string bias = BiasCorrection == 0 ? "" : $", bias correction {TensorFormat.Number(BiasCorrection, 3)}";
        return string.Create(CultureInfo.InvariantCulture, $"{TensorFormat.Number(Value, 6)} ± {TensorFormat.Number(StandardError, 3)} (s.e.; n = {Draws}, ESS = {TensorFormat.Number(Math.Round(EffectiveSampleSize), 12)}{bias}); ")
            + string.Create(CultureInfo.InvariantCulture, $"across draws: sd {TensorFormat.Number(StandardDeviation)}, 5%–95% [{TensorFormat.Number(_lower)}, {TensorFormat.Number(_upper)}]");
    }

    /// <summary>Moves the draws' tensors to the dispose scope outside the current one (a query's result leaving the query).</summary>
    internal CausalEstimate Escape()
    {
        Samples.Values.MoveToOuterDisposeScope();
        Samples.Weights.MoveToOuterDisposeScope();
        return this;
    }
}
