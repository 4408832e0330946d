using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// What a log shows about one Gumbel-max noise site of a program (see <see cref="LoggedNoiseAbduction"/>):
/// the factual logits the mechanism had when the log was written and the category it produced.
/// </summary>
/// <param name="Logits">
/// The factual logits, <c>batch + [K]</c>: computed from the logged history (the state the log was
/// in), not from the replay, which may already have left the log.
/// </param>
/// <param name="Observed">
/// The logged categories (int64), broadcastable with <c>batch</c>; null when nothing is observed at
/// the site (e.g. from the step a query intervenes on): its noise is then a prior draw.
/// </param>
/// <param name="Logged">
/// Bool, broadcastable with <c>batch</c>: true where <paramref name="Observed"/> is an observation;
/// elsewhere (e.g. padding after an episode ended) the noise is a prior draw. Null: everywhere.
/// </param>
public sealed record LoggedCategory(Tensor Logits, Tensor? Observed, Tensor? Logged = null);
