using Ppl.Effects;

namespace Ppl.Inference;

/// <summary>How an estimator that enumerates makes its handlers for one run, given the first dim left of every plate.</summary>
/// <param name="Guide">The guide's handler.</param>
/// <param name="Model">The model's handler, made after the guide ran from the guide's handler (which holds the dims the guide took).</param>
internal sealed record EnumerationHandlers(Func<int, Messenger> Guide, Func<int, Messenger?, Messenger> Model)
{
    /// <summary>The handlers of a run whose enumeration starts at <paramref name="firstAvailableDim"/>.</summary>
    public RunEnumeration At(int firstAvailableDim) => new(() => Guide(firstAvailableDim), guide => Model(firstAvailableDim, guide));
}

/// <summary>The enumeration handlers of one run: the guide's, and the model's made from the guide's after the guide ran.</summary>
/// <param name="Guide">Makes the guide's handler.</param>
/// <param name="Model">Makes the model's handler from the guide's.</param>
internal sealed record RunEnumeration(Func<Messenger> Guide, Func<Messenger?, Messenger> Model);
