using Ppl.Examples.BnnRegression;
using Ppl.Examples.CausalVae;
using Ppl.Examples.Confounding;
using Ppl.Examples.FrozenLake;
using Ppl.Examples.GillespieScm;
using Ppl.Examples.LinearScm;
using Ppl.Examples.SsVaeMnist;
using Ppl.Examples.SviRegression;
using Ppl.Examples.VaeMnist;

namespace Ppl.Examples;

/// <summary>Every example the command line offers.</summary>
public static class ExampleCatalog
{
    /// <summary>All examples, in the order <c>list</c> shows them.</summary>
    public static IReadOnlyList<IExample> All { get; } =
        [
            new ConfoundingExample(), new CausalQueriesExample(), new SviRegressionExample(), new FrozenLakeCfopeExample(), new GillespieScmExample(),
            new VaeMnistExample(), new SsVaeMnistExample(), new BnnRegressionExample(), new CausalVaeExample(), new FilmDeconfounder.DeconfounderExample(), new GwasDeconfounder.GwasDeconfounderExample(), new Notears.NotearsExample(), new IrmColoredMnist.IrmColoredMnistExample(), new CompetingExpertsMnist.CompetingExpertsExample(), new SchemaNetworkBreakout.SchemaNetworkExample(), new EightSchools.EightSchoolsExample(), new Gmm.GmmExample(), new Hmm.HmmExample(),
        ];
}
