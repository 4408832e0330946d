using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Effects;

/// <summary>
/// A reparameterized draw's noise travels with its value: the sample primitive records it on the
/// message, the trace on the site. Whoever writes another value (or distribution) drops it: the
/// message's setters do, so a conditioned, replayed or intervened site never carries noise that
/// does not describe its value.
/// </summary>
public sealed class DrawNoiseOnMessagesTests
{
    private static Tensor Loc() => tensor(new[] { 0.3, -0.2 }, dtype: float64).requires_grad_();

    private static readonly Func<int, Tensor> Run = _ => Model();

    private static Tensor Model()
    {
        var z = Sample("z", new Normal(Loc(), 0.5));
        return Sample("s", new LogNormal(Loc(), 0.7));
    }

    /// <summary>Replaces each sample value (or distribution) once it is settled, as an intervention would.</summary>
    private sealed class Replacer(bool distribution) : Messenger
    {
        protected override void OnSample(Message message) =>
            message.AfterValue(m =>
            {
                if (distribution)
                {
                    m.Distribution = new Normal(zeros(2, dtype: float64), 1.0);
                }
                else
                {
                    m.Value = m.Value!.clone();
                }
            });
    }

    [Fact]
    public void ADrawWithGradientsRecordsItsNoiseOnTheSite()
    {
        using var scope = NewDisposeScope();
        var trace = Run.GetTrace(0);
        Assert.NotNull(trace["z"].DrawNoise);
        Assert.NotNull(trace["s"].DrawNoise);
        Assert.Null(trace["z"].ExpPreimage); // a LogNormal draw's log is its noise record's, not an exp preimage
    }

    [Fact]
    public void ADrawWithoutGradientsRecordsNone()
    {
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            var trace = Run.GetTrace(0);
            Assert.Null(trace["z"].DrawNoise);
            Assert.Null(trace["s"].DrawNoise);
        }
    }

    [Fact]
    public void ConditionedAndReplayedSitesCarryNoNoise()
    {
        using var scope = NewDisposeScope();
        var model = Run;
        var first = model.GetTrace(0);
        var replayed = model.Replay(first).GetTrace(0);
        Assert.Null(replayed["z"].DrawNoise);
        Assert.Null(replayed["s"].DrawNoise);

        var data = new Dictionary<string, Tensor> { ["z"] = tensor(new[] { 1.0, 2.0 }, dtype: float64) };
        var conditioned = model.Condition(data).GetTrace(0);
        Assert.Null(conditioned["z"].DrawNoise);
        Assert.NotNull(conditioned["s"].DrawNoise);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AValueOrDistributionReplacedAfterTheDrawDropsTheNoise(bool distribution)
    {
        using var scope = NewDisposeScope();
        var model = Run;
        var trace = model.With(() => new Replacer(distribution)).GetTrace(0);
        Assert.Null(trace["z"].DrawNoise);
        Assert.Null(trace["s"].DrawNoise);
    }

    [Fact]
    public void ASiteWhoseValueIsReplacedKeepsNoStaleRecord()
    {
        using var scope = NewDisposeScope();
        var trace = Run.GetTrace(0);
        var site = trace["z"] with { Value = tensor(new[] { 1.0, 2.0 }, dtype: float64) };
        Assert.Null(site.DrawNoise);
        Assert.Null(site.ExpPreimage);
    }
}
