using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Effects;

[Collection("Sequential")]
public sealed class ConcurrencyTests
{
    [Fact]
    public void TwoThreadsWithDifferentHandlerStacksDoNotInterfere()
    {
        const int rounds = 200;
        using var barrier = new Barrier(2);
        var failures = new List<string>();

        void Worker(string prefix, double observed)
        {
            for (int i = 0; i < rounds; i++)
            {
                using var scope = NewDisposeScope();
                var obs = tensor(observed, dtype: float64);
                var tracer = new TraceMessenger();
                using (tracer.Install())
                using (new ConditionMessenger(new Dictionary<string, Tensor> { [prefix + "y"] = obs }).Install())
                {
                    barrier.SignalAndWait(); // both threads are inside their handlers at once
                    var x = Sample(prefix + "x", new Normal(tensor(0.0, dtype: float64), 1.0));
                    Sample(prefix + "y", new Normal(x, 1.0));
                    if (HandlerStack.Current.Count != 2)
                    {
                        lock (failures)
                        {
                            failures.Add($"{prefix}: stack has {HandlerStack.Current.Count} handlers");
                        }
                    }
                }

                var names = tracer.Trace.Nodes.Select(s => s.Name).ToArray();
                var y = tracer.Trace[prefix + "y"];
                if (!names.SequenceEqual([prefix + "x", prefix + "y"]) || !y.IsObserved || y.Value!.item<double>() != observed)
                {
                    lock (failures)
                    {
                        failures.Add($"{prefix}: trace {string.Join(",", names)}");
                    }
                }
            }
        }

        var a = new Thread(() => Worker("a_", 1.5));
        var b = new Thread(() => Worker("b_", -2.5));
        a.Start();
        b.Start();
        a.Join();
        b.Join();

        Assert.Empty(failures);
        Assert.False(HandlerStack.IsActive);
    }
}
