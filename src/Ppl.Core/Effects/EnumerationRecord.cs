using System.Collections.Immutable;

namespace Ppl.Effects;

/// <summary>
/// What <see cref="Handlers.EnumMessenger"/> recorded at a sample site: which enumerated variable
/// occupied each enumeration dim when the site ran (dims are recycled by <see cref="Primitives.Markov"/>,
/// so a dim alone does not name a variable), and for an enumerated site its own dim and variable.
/// Inference algorithms read a site's log-density with it: a size above 1 at dim d belongs to variable
/// <see cref="DimToSymbol"/>[d].
/// </summary>
/// <param name="DimToSymbol">The variable (a number unique in the run) at each enumeration dim in use, by (negative) dim.</param>
/// <param name="Dim">The dim the site's values lie along, for an enumerated site; null otherwise.</param>
/// <param name="Symbol">The site's variable, for an enumerated site; null otherwise.</param>
public sealed record EnumerationRecord(ImmutableDictionary<int, int> DimToSymbol, int? Dim = null, int? Symbol = null)
{
    /// <summary>True for a site whose values are the enumerated support.</summary>
    public bool IsEnumerated => Dim is not null;
}
