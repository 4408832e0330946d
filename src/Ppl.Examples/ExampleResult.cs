namespace Ppl.Examples;

/// <summary>What an example measured, by name, so tests can check it against known answers.</summary>
/// <param name="Values">Named numbers the example reports.</param>
public sealed record ExampleResult(IReadOnlyDictionary<string, double> Values);
