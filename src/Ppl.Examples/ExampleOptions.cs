namespace Ppl.Examples;

/// <summary>Options every example understands.</summary>
/// <param name="Seed">Seed of every random draw.</param>
/// <param name="Smoke">Run a tiny version (for tests).</param>
public sealed record ExampleOptions(long Seed = 0, bool Smoke = false);
