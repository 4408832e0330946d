using static TorchSharp.torch;

namespace Ppl;

/// <summary>
/// The log-density of one sample site's value, as <see cref="Trace.ComputeLogProb"/> keeps it
/// (Pyro's <c>unscaled_log_prob</c>, <c>log_prob</c> and <c>log_prob_sum</c> entries of a trace node).
/// Tensors of the dispose scope the computation ran in.
/// </summary>
/// <param name="UnscaledLogProb">The distribution's log-density of the value, shape the distribution's batch shape.</param>
/// <param name="LogProb">The same with the site's scale and mask applied.</param>
/// <param name="LogProbSum">The sum of <paramref name="LogProb"/>, a 0-dim tensor.</param>
public sealed record SiteLogProb(Tensor UnscaledLogProb, Tensor LogProb, Tensor LogProbSum);
