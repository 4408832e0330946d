using System.Reflection;
using Ppl.AbortProbe;
using Xunit.Abstractions;

namespace Ppl.Tests.Aborts;

/// <summary>
/// Runs tests/AbortProbe in child processes (a probe that aborts kills only its child). Pins the
/// TorchSharp defect the checked products exist for, holds every other probed binding to "does
/// not abort", and every Ppl entry point given bad input to <see cref="ArgumentException"/>.
/// The full table in docs/design/aborting-bindings.md comes from <c>dotnet AbortProbe.dll table</c>.
/// </summary>
[Trait(Stage.Key, Stage.Slow)]
public sealed class AbortProbeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromMinutes(3);

    private static readonly Lazy<IReadOnlyList<ProbeInfo>> Probes = new(() => ProbeRunner.List(ProbeDll));

    private static string ProbeDll => typeof(AbortProbeTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "Ppl.AbortProbe").Value!;

    [Fact]
    public void MatmulWithMismatchedShapesAbortsTheProcess()
    {
        // the defect: when TorchSharp catches this error, docs/design/aborting-bindings.md and
        // the checked products' rationale need revisiting
        var outcome = Run([Probes.Value.Single(p => p.Id == "matmul.inner")]).Single();
        Assert.Equal(OutcomeKind.Aborted, outcome.Kind);
        Assert.Contains("c10::Error", outcome.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryOtherProbedBindingThrowsOrReturns()
    {
        var probes = Probes.Value.Where(p => !p.Id.StartsWith("ppl.", StringComparison.Ordinal) && p.Expect != Expectation.Aborts).ToList();
        Assert.True(probes.Count > 50, $"only {probes.Count} binding probes listed");
        AssertAllMeetTheirExpectation(probes);
    }

    [Fact]
    public void PplEntryPointsThrowArgumentExceptionOnBadInputAndInferenceDoesNotVectorizeUnasked()
    {
        var probes = Probes.Value.Where(p => p.Id.StartsWith("ppl.", StringComparison.Ordinal)).ToList();
        Assert.Contains(probes, p => p.Expect == Expectation.Returns);
        AssertAllMeetTheirExpectation(probes);
    }

    private void AssertAllMeetTheirExpectation(List<ProbeInfo> probes)
    {
        var outcomes = Run(probes);
        var failures = probes.Zip(outcomes).Where(x => !x.Second.Meets(x.First.Expect)).Select(x => $"{x.First.Id} (expected {x.First.Expect}): {x.Second.Kind} {x.Second.Detail}").ToList();
        Assert.True(failures.Count == 0, "probes that missed their expectation:\n" + string.Join("\n", failures));
    }

    private IReadOnlyList<ProbeOutcome> Run(IReadOnlyList<ProbeInfo> probes)
    {
        var outcomes = ProbeRunner.Run(ProbeDll, probes.Select(p => p.Id).ToList(), ChildTimeout);
        foreach (var outcome in outcomes)
        {
            output.WriteLine(outcome.ToString());
        }

        return outcomes;
    }
}
