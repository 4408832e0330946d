using System.Reactive.Linq;
using System.Reactive.Subjects;
using System.Reactive.Threading.Tasks;
using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Inference;
using Ppl.Inference.Optim;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference;

/// <summary>Stopping a fit (cancellation, unsubscribing) and failing one: no extra steps, errors that say where.</summary>
[Collection("Sequential")]
public sealed class SviStoppingTests
{
    private sealed class Counting
    {
        public int ModelCalls;
        public Action<int>? OnCall;

        public Tensor Model(Tensor y)
        {
            ModelCalls++;
            OnCall?.Invoke(ModelCalls);
            var mu = Sample("mu", new Normal(tensor(0.0, dtype: float64), 1.0));
            using var data = Plate("data", y.shape[0]);
            return Sample("y", new Normal(mu, 1.0), obs: y);
        }
    }

    private static Tensor Guide(Tensor y) =>
        Sample("mu", new Normal(Param("loc", () => tensor(0.0, dtype: float64)), Param("scale", () => tensor(1.0, dtype: float64), Constraints.Positive)));

    private static Tensor Data() => tensor(new[] { 0.5, 1.5, 1.0 }, dtype: float64);

    private static Svi<Tensor> MakeSvi(Counting counting, Optimizer optimizer) => new(counting.Model, Guide, optimizer, new TraceElbo(), seed: 0);

    [Fact]
    public void FitStopsAtTheStepItIsCancelledBefore()
    {
        using var cts = new CancellationTokenSource();
        var counting = new Counting { OnCall = k => { if (k == 5) { cts.Cancel(); } } };
        using var adam = new Adam(0.01);
        var svi = MakeSvi(counting, adam);
        Assert.ThrowsAny<OperationCanceledException>(() => svi.Fit(Data(), 4000, cts.Token));
        Assert.Equal(5, svi.StepCount);
    }

    [Fact]
    public void RunStopsWhenItsTokenIsCancelled()
    {
        using var cts = new CancellationTokenSource();
        var counting = new Counting { OnCall = k => { if (k == 5) { cts.Cancel(); } } };
        using var adam = new Adam(0.01);
        var svi = MakeSvi(counting, adam);
        var seen = new List<long>();
        Exception? error = null;
        using (svi.Run(Data(), 4000, cancellationToken: cts.Token).Subscribe(p => seen.Add(p.Step), e => error = e))
        {
        }

        Assert.IsType<OperationCanceledException>(error);
        Assert.Equal(5, svi.StepCount);
        Assert.Equal([1L, 2, 3, 4, 5], seen);
    }

    [Fact]
    public async Task ToTaskWithACancelledTokenStopsTheSteps()
    {
        using var cts = new CancellationTokenSource();
        var counting = new Counting { OnCall = k => { if (k == 5) { cts.Cancel(); } } };
        using var adam = new Adam(0.01);
        var svi = MakeSvi(counting, adam);
        // the steps run on the subscribing thread, inside ToTask's Subscribe: ToTask's own token can
        // only dispose the subscription once Subscribe returns, so the token goes to Run as well
        var task = svi.Run(Data(), 4000, cancellationToken: cts.Token).ToTask(cts.Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.Equal(5, svi.StepCount);
    }

    [Fact]
    public void TakeRunsExactlyTheStepsItReports()
    {
        var counting = new Counting();
        using var adam = new Adam(0.01);
        var svi = MakeSvi(counting, adam);
        var seen = svi.Run(Data(), 4000).Take(5).ToList().Wait();
        Assert.Equal(5, seen.Count);
        Assert.Equal(5, svi.StepCount);
        Assert.Equal(5, counting.ModelCalls);
    }

    [Fact]
    public void TakeUntilRunsNoStepAfterTheSignal()
    {
        var counting = new Counting();
        using var adam = new Adam(0.01);
        var svi = MakeSvi(counting, adam);
        using var stop = new Subject<bool>();
        var seen = new List<long>();
        using (svi.Run(Data(), 4000).TakeUntil(stop).Subscribe(p =>
        {
            seen.Add(p.Step);
            if (p.Step == 5)
            {
                stop.OnNext(true); // the subscriber has seen step 5 and stops: no step 6
            }
        }))
        {
        }

        Assert.Equal([1L, 2, 3, 4, 5], seen);
        Assert.Equal(5, svi.StepCount);
        Assert.Equal(5, counting.ModelCalls);
    }

    [Fact]
    public void TakeWhileRunsOnlyTheStepItsPredicateRejected()
    {
        var counting = new Counting();
        using var adam = new Adam(0.01);
        var svi = MakeSvi(counting, adam);
        var seen = svi.Run(Data(), 4000).TakeWhile(p => p.Step < 5).ToList().Wait();
        Assert.Equal(4, seen.Count);
        Assert.Equal(5, svi.StepCount); // step 5 ran: its progress is what the predicate rejected
    }

    [Fact]
    public void AFailingStepInFitSaysWhichStepAndKeepsTheLosses()
    {
        var counting = new Counting { OnCall = k => { if (k == 7) { throw new InvalidOperationException("boom"); } } };
        using var adam = new Adam(0.01);
        var svi = MakeSvi(counting, adam);
        var e = Assert.Throws<SviStepException>(() => svi.Fit(Data(), 100));
        Assert.Equal(7, e.Step);
        Assert.Equal(6, e.Losses.Count);
        Assert.All(e.Losses, l => Assert.True(double.IsFinite(l)));
        Assert.Contains("step 7", e.Message, StringComparison.Ordinal);
        Assert.Contains("boom", e.Message, StringComparison.Ordinal);
        Assert.Equal(6, svi.StepCount);
    }

    [Fact]
    public void AFailingStepInRunIsReportedWithItsStep()
    {
        var counting = new Counting { OnCall = k => { if (k == 3) { throw new InvalidOperationException("boom"); } } };
        using var adam = new Adam(0.01);
        var svi = MakeSvi(counting, adam);
        var e = Assert.Throws<SviStepException>(() => svi.Run(Data(), 100).ToList().Wait());
        Assert.Equal(3, e.Step);
        Assert.Equal(2, e.Losses.Count);
    }

    [Fact]
    public void AModelThatThrowsWithAPlateLeftOpenSurfacesItsOwnException()
    {
        static Tensor Leaky(Tensor y)
        {
            var mu = Sample("mu", new Normal(tensor(0.0, dtype: float64), 1.0));
#pragma warning disable CA2000, PPL0003 // the point of the test: a plate entered without using
            var data = Plate("data", y.shape[0]);
#pragma warning restore CA2000, PPL0003
            Sample("y", new Normal(mu, 1.0), obs: y);
            throw new InvalidOperationException("the model's own error");
        }

        using var scope = NewDisposeScope();
        Func<Tensor, Tensor> model = Leaky;
        var e = Assert.Throws<ModelExecutionException>(() => model.GetTrace(Data()));
        Assert.Equal("the model's own error", e.InnerException!.Message);
        Assert.False(HandlerStack.IsActive);

        using var adam = new Adam(0.01);
        var svi = new Svi<Tensor>(model, Guide, adam, new TraceElbo());
        var fit = Assert.Throws<SviStepException>(() => svi.Fit(Data(), 3));
        Assert.Contains("the model's own error", fit.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("out of order", fit.ToString(), StringComparison.Ordinal);
        Assert.False(HandlerStack.IsActive);
    }
}
