using Ppl.Effects;

namespace Ppl.Inference;

/// <summary>How an estimator that enumerates makes its handlers for one run, given the first dim left of every plate.</summary>
/// <param name="Guide">The guide's handler.</param>
/// <param name="Model">The model's handler, made after the guide ran from the guide's handler (which holds the dims the guide took).</param>
internal sealed record EnumerationHandlers(Func<int, Messenger> Guide, Func<int, Messenger?, Messenger> Model);
