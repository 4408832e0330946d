namespace Ppl.Analyzers.Tests;

public class ConcurrentSitesTests
{
    [Fact]
    public Task Parallel_and_threads_recording_sites_are_flagged() => Verify<ConcurrentSitesAnalyzer>.AnalyzeAsync("""
        static class C
        {
            static void Model(Tensor data)
            {
                Parallel.For(0, 4, {|PPL0004:i => Sample($"x{i}", new Normal(0.0, 1.0))|});
                Parallel.Invoke({|PPL0004:() => Sample("a", new Normal(0.0, 1.0))|}, {|PPL0004:() => Sample("b", new Normal(0.0, 1.0))|});
                new Thread({|PPL0004:() => Sample("c", new Normal(0.0, 1.0))|}).Start();
            }
        }
        """);

    [Fact]
    public Task Tasks_started_and_not_awaited_where_started_are_flagged() => Verify<ConcurrentSitesAnalyzer>.AnalyzeAsync("""
        static class C
        {
            static async Task<Tensor> Sub(string prefix)
            {
                var a = Sample(prefix + "_a", new Normal(0.0, 1.0));
                await Task.Delay(1);
                return Sample(prefix + "_b", new Normal(a, 1.0));
            }

            static async Task<Tensor> Model()
            {
                var both = await Task.WhenAll({|PPL0004:Sub("x")|}, {|PPL0004:Sub("y")|});
                var pending = Task.Run({|PPL0004:() => Sample("late", new Normal(0.0, 1.0))|});
                var first = {|PPL0004:Sub("first")|};
                var second = {|PPL0004:Sub("second")|};
                await first;
                await second;
                var fanned = await Task.WhenAll(Enumerable.Range(0, 3).Select({|PPL0004:async i =>
                {
                    await Task.Yield();
                    return Sample($"f{i}", new Normal(0.0, 1.0));
                }|}));
                return both[0] + both[1] + await pending + fanned[0];
            }
        }
        """);

    [Fact]
    public Task Sequential_awaits_are_not_flagged() => Verify<ConcurrentSitesAnalyzer>.AnalyzeAsync("""
        static class C
        {
            static async Task<Tensor> Sub(string prefix)
            {
                var a = Sample(prefix + "_a", new Normal(0.0, 1.0));
                await Task.Delay(1).ConfigureAwait(false);
                return Sample(prefix + "_b", new Normal(a, 1.0));
            }

            static Task<Tensor> Forward(string prefix) => Sub(prefix);

            static async Task<Tensor> Model(Tensor[] batches)
            {
                var x = await Sub("x");
                var y = await Sub("y").ConfigureAwait(false);
                var z = await Task.Run(() => Sample("z", new Normal(0.0, 1.0)));
                var w = Sub("w").GetAwaiter().GetResult();
                var next = Task.Factory.StartNew(() => Sample("n", new Normal(0.0, 1.0)), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
                var n = next.GetAwaiter().GetResult();
                // Parallel work that records nothing is fine.
                var norms = new double[batches.Length];
                Parallel.For(0, batches.Length, i => norms[i] = batches[i].norm().item<float>());
                var sums = await Task.WhenAll(batches.Select(async b => { await Task.Yield(); return b.sum(); }));
                return x + y + z + w + n + sums[0] + await Forward("v");
            }
        }
        """);
}
