using System.Diagnostics;
using System.Globalization;
using static TorchSharp.torch;

namespace Ppl.Benchmarks.Steps;

/// <summary>
/// The floor under per-site costs on this machine: the price of one scalar TorchSharp op (with
/// and without a double argument, which becomes a native <c>Scalar</c>), one autograd node in
/// backward, and one tensor disposal. <c>... -- micro</c>.
/// </summary>
public static class MicroCosts
{
    /// <summary>Prints per-op costs (wall and thread CPU, µs).</summary>
    public static void Run()
    {
        BenchEnvironment.Apply();
        using var a = tensor(1.5f);
        using var b = tensor(0.5f);
        using var p = tensor(0.1f, requires_grad: true);
        const int Ops = 2000;
        for (int round = 0; round < 3; round++)
        {
            Measure("add(tensor), no grad", () => { for (int i = 0; i < Ops; i++) { _ = a.add(b); } });
            Measure("mul(double), no grad", () => { for (int i = 0; i < Ops; i++) { _ = a.mul(0.5); } });
            Measure("add(tensor) with grad (forward)", () => { var x = p.alias(); for (int i = 0; i < Ops; i++) { x = x.add(b); } });
            Measure("forward+backward per node", () =>
            {
                var x = p.alias();
                for (int i = 0; i < Ops; i++)
                {
                    x = x.add(b);
                }

                x.backward();
                p.grad?.zero_();
            });
        }
    }

    private static void Measure(string what, Action body)
    {
        const int Ops = 2000;
        var scope = NewDisposeScope();
        double cpu0 = ThreadCpuClock.Now();
        var clock = Stopwatch.StartNew();
        body();
        double wall = clock.Elapsed.TotalMilliseconds * 1000 / Ops;
        double cpu = (ThreadCpuClock.Now() - cpu0) * 1e6 / Ops;
        double cpu1 = ThreadCpuClock.Now();
        clock.Restart();
        scope.Dispose();
        double disposeWall = clock.Elapsed.TotalMilliseconds * 1000 / Ops;
        double disposeCpu = (ThreadCpuClock.Now() - cpu1) * 1e6 / Ops;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what,-34} {wall,6:F2} µs wall {cpu,6:F2} µs CPU per op; dispose {disposeWall,5:F2} µs wall {disposeCpu,5:F2} µs CPU per tensor"));
    }
}
