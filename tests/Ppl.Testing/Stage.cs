namespace Ppl.Testing;

/// <summary>
/// Test stages, as xunit traits (<c>[Trait(Stage.Key, Stage.Statistical)]</c> on a class), so CI
/// runs the fast stage first and a broken invariant shows in about a minute:
/// <c>dotnet test Ppl.sln --filter "Stage!=Statistical&amp;Stage!=Slow&amp;Stage!=Examples"</c>.
/// A class without the trait is a unit test: deterministic, checked against exact values, and
/// quick (well under a second a test).
/// </summary>
public static class Stage
{
    /// <summary>The trait's name.</summary>
    public const string Key = "Stage";

    /// <summary>
    /// Compares a random estimate (Monte Carlo, SVI, importance sampling) with a closed form
    /// within a statistical tolerance; seeded, so reproducible, but it needs many draws or steps.
    /// </summary>
    public const string Statistical = "Statistical";

    /// <summary>Starts other processes (dotnet builds, packing, native aborts): tens of seconds or minutes.</summary>
    public const string Slow = "Slow";

    /// <summary>Runs an example program or the code blocks of the docs.</summary>
    public const string Examples = "Examples";
}
