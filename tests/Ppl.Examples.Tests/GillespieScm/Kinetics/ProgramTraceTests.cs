using System.Reactive.Linq;
using Ppl.Distributions;
using Ppl.Examples.GillespieScm.Kinetics;
using Ppl.Handlers;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.GillespieScm.Kinetics;

/// <summary>The SSA as a Ppl program: its trajectory is a trace of Exponential and Categorical sites.</summary>
[Collection("Sequential")]
public sealed class ProgramTraceTests
{
    private static readonly Cascade Cascade = KineticsTestSupport.ThreeKinase();

    [Fact]
    public void ATrajectoryIsATraceOfWaitingTimesAndReactions()
    {
        using var scope = NewDisposeScope();
        Func<GillespieRun, Tensor> program = GillespieProgram.Simulate;
        var run = new GillespieRun(Cascade, [3, 4, 5], double.PositiveInfinity, maxEvents: 25);
        var trace = program.Seed(1).GetTrace(run);
        for (int k = 0; k < 25; k++)
        {
            Assert.IsType<Exponential>(trace[GillespieProgram.WaitingTimeSite(k)].Distribution);
            Assert.IsType<Categorical>(trace[GillespieProgram.ReactionSite(k)].Distribution);
        }

        Assert.Equal(50, trace.SampleSites.Count());

        // the first waiting time's rate is the total propensity of the initial state
        double total = Cascade.Propensities([3, 4, 5]).Sum();
        var rate = ((Exponential)trace[GillespieProgram.WaitingTimeSite(0)].Distribution!).Rate.item<double>();
        Assert.Equal(total, rate, 12);
        Assert.True(double.IsFinite(trace.LogProbSum().item<double>()));
    }

    [Fact]
    public void ConditioningOnAReactionMakesItHappen()
    {
        using var scope = NewDisposeScope();
        Func<GillespieRun, Tensor> program = GillespieProgram.Simulate;
        var run = new GillespieRun(Cascade, [5, 5, 5], double.PositiveInfinity, maxEvents: 1);
        var data = new Dictionary<string, Tensor> { [GillespieProgram.ReactionSite(0)] = tensor(3L) }; // deactivation of X2
        var final = program.Condition(data).Seed(2)(run);
        Assert.Equal(new double[] { 5, 4, 5 }, final.data<double>().ToArray());
    }

    [Fact]
    public void ReplayingATraceReproducesTheTrajectory()
    {
        using var scope = NewDisposeScope();
        Func<GillespieRun, Tensor> program = GillespieProgram.Simulate;
        var run = new GillespieRun(Cascade, [0, 0, 0], 5);
        var (trace, final) = program.Seed(4).TraceRun(run);
        var replayed = program.Replay(trace).Seed(99)(run);
        Assert.Equal(final.data<double>().ToArray(), replayed.data<double>().ToArray());
    }

    [Fact]
    public void TheStreamAndTheProgramDrawTheSameTrajectory()
    {
        using var scope = NewDisposeScope();
        var run = new GillespieRun(Cascade, [0, 0, 0], 5);
        Func<GillespieRun, Tensor> program = GillespieProgram.Simulate;
        var final = program.Seed(6)(run);
        IList<(double Time, System.Collections.Immutable.ImmutableArray<long> Counts)> events;
        using (new SeedMessenger(6).Install())
        {
            events = GillespieProgram.Stream(run).ToList().Wait();
        }

        Assert.Equal(0.0, events[0].Time);
        Assert.Equal(final.data<double>().ToArray(), events[^1].Counts.Select(c => (double)c).ToArray());
        Assert.True(events.Zip(events.Skip(1)).All(p => p.Second.Time > p.First.Time));
    }

    [Fact]
    public void UnsubscribingStopsTheSimulation()
    {
        // an unbounded run: only the subscriber's TakeWhile can end it
        using var scope = NewDisposeScope();
        var run = new GillespieRun(Cascade, [0, 0, 0], double.PositiveInfinity, maxEvents: 1_000_000);
        var tracer = new TraceMessenger();
        IList<(double Time, System.Collections.Immutable.ImmutableArray<long> Counts)> events;
        using (new SeedMessenger(7).Install())
        using (tracer.Install())
        {
            events = GillespieProgram.Stream(run).TakeWhile(e => e.Time < 2).ToList().Wait();
        }

        int reactions = tracer.Trace.SampleSites.Count(s => s.Name.StartsWith("reaction_", StringComparison.Ordinal));
        Assert.Equal(events.Count, reactions); // the initial state plus all but the event that crossed t = 2
        Assert.InRange(reactions, 10, 5_000);
    }

    [Fact]
    public void AStationarityCheckEndsTheStreamOnceTheAverageSettles()
    {
        using var scope = NewDisposeScope();
        var run = new GillespieRun(Cascade, [0, 0, 0], double.PositiveInfinity, maxEvents: 200_000);
        random.manual_seed(8);
        var events = GillespieProgram.Stream(run).TakeUntilStationary(e => e.Time, e => e.Counts[2], window: 5, tolerance: 1.5).ToList().Wait();
        Assert.InRange(events.Count, 100, 199_999);
        Assert.True(events[^1].Time >= 10, "two windows are needed to compare");
    }
}
