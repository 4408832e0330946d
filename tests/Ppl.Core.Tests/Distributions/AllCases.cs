namespace Ppl.Tests.Distributions;

/// <summary>The one list the contract tests run over; each group of families owns its own file.</summary>
public static class AllCases
{
    private static readonly Dictionary<string, DistributionCase> ByName = ExistingCases.All
        .Concat(ContinuousCases.All)
        .Concat(GammaFamilyCases.All)
        .Concat(DiscreteCases.All)
        .Concat(MultivariateCases.All)
        .Concat(TransformedCases.All)
        .ToDictionary(c => c.Name);

    /// <summary>The case names, as xunit member data (strings serialize, delegates do not).</summary>
    public static TheoryData<string> Names => new(ByName.Keys);

    /// <summary>The case with the given name.</summary>
    public static DistributionCase Get(string name) => ByName[name];
}
