using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Effects;

/// <summary>
/// Models that await or hand work to another thread: the handler stack follows the logical flow
/// (the execution context), so every site after an await or inside <c>Task.Run</c> is traced,
/// conditioned and scored like any other.
/// </summary>
[Collection("Sequential")]
public sealed class AsyncModelTests
{
    private static async Task<Tensor> AwaitingModel()
    {
        var a = Sample("a", new Normal(tensor(0.0, dtype: float64), 1.0));
        await Task.Yield(); // the rest runs on a thread-pool thread
        var b = Sample("b", new Normal(a, 1.0));
        await Task.Delay(1).ConfigureAwait(false);
        return Sample("c", new Normal(b, 1.0));
    }

    private static Tensor BlockingOnAsync(int unused) => AwaitingModel().GetAwaiter().GetResult();

    private static Tensor LikelihoodInTaskRun(int unused)
    {
        var mu = Sample("mu", new Normal(tensor(0.0, dtype: float64), 1.0));
        int caller = Environment.CurrentManagedThreadId;
        // LongRunning: a thread of its own, so waiting cannot run the task inline on this thread
        var likelihood = Task.Factory.StartNew(
            () =>
            {
                Assert.NotEqual(caller, Environment.CurrentManagedThreadId);
                return Sample("y", new Normal(mu, 1.0), obs: tensor(2.0, dtype: float64));
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        return likelihood.GetAwaiter().GetResult();
    }

    [Fact]
    public void SitesAfterAnAwaitAreTraced()
    {
        using var scope = NewDisposeScope();
        Func<int, Tensor> model = BlockingOnAsync;
        var trace = model.GetTrace(0);
        Assert.Equal(["a", "b", "c"], trace.Nodes.Select(s => s.Name).ToArray());
        Assert.False(HandlerStack.IsActive);
    }

    [Fact]
    public void SitesAfterAnAwaitAreConditioned()
    {
        using var scope = NewDisposeScope();
        Func<int, Tensor> model = BlockingOnAsync;
        var c = tensor(3.25, dtype: float64);
        var trace = model.Condition(new Dictionary<string, Tensor> { ["c"] = c }).GetTrace(0);
        Assert.True(trace["c"].IsObserved);
        Assert.Equal(3.25, trace["c"].Value!.item<double>());
    }

    [Fact]
    public void SitesInsideTaskRunAreTracedAndScored()
    {
        using var scope = NewDisposeScope();
        Func<int, Tensor> model = LikelihoodInTaskRun;
        var trace = model.GetTrace(0);
        Assert.True(trace["y"].IsObserved);
        double mu = trace["mu"].Value!.item<double>();
        double expected = NormalLogPdf(mu, 0, 1) + NormalLogPdf(2.0, mu, 1);
        Assert.Equal(expected, trace.LogProbSum().item<double>(), 12);
    }

    [Fact]
    public async Task HandlersInstalledInsideAnAsyncMethodDoNotLeakToTheCaller()
    {
        static async Task InstallAndAwait()
        {
            var block = new BlockMessenger(_ => false);
            using (block.Install())
            {
                Assert.Single(HandlerStack.Current);
            }

            await Task.Yield();
            Assert.False(HandlerStack.IsActive);
        }

        await InstallAndAwait();
        Assert.False(HandlerStack.IsActive);
    }

    private static double NormalLogPdf(double x, double mean, double sd) =>
        MathNet.Numerics.Distributions.Normal.PDFLn(mean, sd, x);
}
