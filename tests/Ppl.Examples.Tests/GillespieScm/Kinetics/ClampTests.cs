using System.Reactive.Linq;
using Ppl.Examples.GillespieScm.Kinetics;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.GillespieScm.Kinetics;

/// <summary>A kinetic do(X_i = x) suppresses X_i's reactions: its count never leaves x.</summary>
[Collection("Sequential")]
public sealed class ClampTests
{
    private static readonly Cascade Cascade = KineticsTestSupport.ThreeKinase();

    [Fact]
    public void TheProgramNeverChangesAClampedCount()
    {
        using var scope = NewDisposeScope();
        random.manual_seed(3);
        var events = GillespieProgram.Stream(new GillespieRun(Cascade, [0, 0, 0], 15, KineticIntervention.Clamp(1, 5))).ToList().Wait();
        Assert.True(events.Count > 100, $"only {events.Count} events");
        Assert.All(events, e => Assert.Equal(5, e.Counts[1]));
        Assert.True(events.Select(e => e.Counts[2]).Distinct().Count() > 5, "X3 must still move under do(X2 = 5)");
        Assert.True(events.Select(e => e.Counts[0]).Distinct().Count() > 3, "X1 must still move under do(X2 = 5)");
    }

    [Fact]
    public void TheFastPathNeverChangesAClampedCount()
    {
        using var scope = NewDisposeScope();
        using var generator = new Generator(5, CPU);
        var times = Enumerable.Range(1, 20).Select(k => 0.5 * k).ToArray();
        var result = BatchedGillespie.Simulate(Cascade, KineticIntervention.Clamp(0, 7), 500, [0, 3, 0], times, generator);
        Assert.Equal(new long[] { 500, 20, 3 }, result.Counts.shape);
        Assert.True(result.Counts.select(2, 0).eq(7).all().item<bool>(), "X1 left its clamp");
        Assert.True(result.Counts.select(2, 2).to(ScalarType.Float64).std().item<double>() > 1, "X3 must still fluctuate");
    }

    [Fact]
    public void ForcingASuppressedReactionThroughAHandlerIsAnError()
    {
        // reaction 2 activates X2, which do(X2 = 5) forbids
        using var scope = NewDisposeScope();
        Func<GillespieRun, Tensor> program = GillespieProgram.Simulate;
        var forced = program.Condition(new Dictionary<string, Tensor> { [GillespieProgram.ReactionSite(0)] = tensor(2L) });
        var run = new GillespieRun(Cascade, [5, 5, 5], 10, KineticIntervention.Clamp(1, 5), maxEvents: 3);
        var error = Assert.Throws<InvalidOperationException>(() => forced(run));
        Assert.Contains("reaction_0", error.Message, StringComparison.Ordinal);
    }
}
