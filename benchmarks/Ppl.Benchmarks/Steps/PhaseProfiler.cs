using System.Diagnostics;
using System.Globalization;
using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using Ppl.Params;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Benchmarks.Steps;

/// <summary>
/// Splits one single-particle TraceElbo SVI step into its phases, re-done by hand with the public
/// API (guide trace, model replay, log-density sums by ElboTerms as TraceElbo does them, backward, optimizer, zero-grad, scope
/// disposal), and reports wall time and tensors created per phase:
/// <c>dotnet run -c Release --project benchmarks/Ppl.Benchmarks -- profile [regression|scalar][-auto]|vae [steps]</c>
/// (<c>-auto</c>: AutoNormal instead of the hand-written guide).
/// </summary>
public static class PhaseProfiler
{
    private static readonly string[] Phases = ["guide trace", "model replay", "log p sum", "log q sum", "backward", "optimizer", "zero grad", "scope dispose"];

    /// <summary>Profiles the named configuration with validation on and off.</summary>
    public static void Run(string which, int steps)
    {
        BenchEnvironment.Apply();
        foreach (bool validation in new[] { true, false })
        {
            Distribution.ValidationEnabled = validation;
            if (which.StartsWith("vae", StringComparison.OrdinalIgnoreCase))
            {
                var vae = new VaeBenchmarks { Validation = validation };
                vae.Setup();
                try
                {
                    Profile($"vae validation={validation}", vae.Model, vae.Guide, vae.Data, steps, optimizerLr: 1e-3);
                }
                finally
                {
                    vae.Cleanup();
                }
            }
            else if (which.StartsWith("reg", StringComparison.OrdinalIgnoreCase))
            {
                random.manual_seed(3);
                var (x, y) = RegressionBenchmarks.Simulate(1000, 10);
                using var auto = new AutoNormal<(Tensor X, Tensor Y)>(RegressionBenchmarks.Model);
                Profile($"regression validation={validation}", RegressionBenchmarks.Model, Auto(which, auto, RegressionBenchmarks.MeanFieldGuide), (x, y), steps);
                x.Dispose();
                y.Dispose();
            }
            else
            {
                random.manual_seed(5);
                var data = Enumerable.Range(0, 100).Select(_ => randn(1).squeeze().DetachFromDisposeScope()).ToArray();
                using var auto = new AutoNormal<Tensor[]>(ScalarSitesBenchmarks.Model);
                Profile($"scalar-sites validation={validation}", ScalarSitesBenchmarks.Model, Auto(which, auto, ScalarSitesBenchmarks.MeanFieldGuide), data, steps);
                foreach (var t in data)
                {
                    t.Dispose();
                }
            }
        }

        Distribution.ValidationEnabled = true;
    }

    private static Func<TArgs, object?> Auto<TArgs>(string which, AutoNormal<TArgs> auto, Func<TArgs, object?> hand) =>
        which.EndsWith("-auto", StringComparison.OrdinalIgnoreCase) ? auto.Guide : hand;

    private static void Profile<TArgs>(string title, Func<TArgs, object?> model, Func<TArgs, object?> guide, TArgs args, int steps, double optimizerLr = 0.01)
    {
        using var store = new ParamStore();
        using var adam = new Adam(optimizerLr) { GroupedUpdates = true }; // as Svi steps
        var ticks = new long[Phases.Length];
        var cpu = new double[Phases.Length];
        double cpuMark = 0;
        var tensors = new long[Phases.Length];
        var stats = DisposeScopeManager.Statistics;
        var clock = new Stopwatch();
        int phase = 0;
        long Created() => stats.CreatedInScopeCount + stats.CreatedOutsideScopeCount;
        long mark = 0;

        void Begin()
        {
            mark = Created();
            cpuMark = ThreadCpuClock.Now();
            clock.Restart();
        }

        void End(bool record)
        {
            clock.Stop();
            if (record)
            {
                ticks[phase] += clock.ElapsedTicks;
                cpu[phase] += ThreadCpuClock.Now() - cpuMark;
                tensors[phase] += Created() - mark;
            }

            phase++;
        }

        int warmup = Math.Max(10, steps / 5);
        for (int s = 0; s < warmup + steps; s++)
        {
            bool record = s >= warmup;
            phase = 0;
            var scope = NewDisposeScope();
            Trace guideTrace, modelTrace;
            Begin();
            using (store.Activate())
            {
                guideTrace = guide.GetTrace(args);
                End(record);
                Begin();
                modelTrace = model.Replay(guideTrace).GetTrace(args);
                End(record);
            }

            Begin();
            var logP = ElboTerms.Sum(modelTrace, modelTrace.SampleSites, ParticleLayout.One);

            End(record);
            Begin();
            var logQ = ElboTerms.Sum(guideTrace, guideTrace.LatentSites, ParticleLayout.One, ownDraws: true);

            var loss = logQ.sub(logP);
            End(record);
            Begin();
            loss.backward();
            End(record);
            Begin();
            var parameters = store.Names.Select(n => (n, store.GetUnconstrained(n))).ToList();
            adam.Step(parameters);
            End(record);
            Begin();
            Optimizer.ZeroGrad(parameters.Select(p => p.Item2));
            _ = loss.item<float>();
            End(record);
            Begin();
            scope.Dispose();
            End(record);
        }

        double totalMs = ticks.Sum() * 1000.0 / Stopwatch.Frequency / steps;
        double totalCpuMs = cpu.Sum() * 1000 / steps;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{title}: {totalMs:F3} ms/step wall, {totalCpuMs:F3} ms/step thread CPU, {tensors.Sum() / (double)steps:F0} tensors/step"));
        for (int i = 0; i < Phases.Length; i++)
        {
            double ms = ticks[i] * 1000.0 / Stopwatch.Frequency / steps;
            double cpuMs = cpu[i] * 1000 / steps;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Phases[i],-14} wall {ms,8:F3} ms  CPU {cpuMs,8:F3} ms {100 * cpuMs / totalCpuMs,5:F1}% {tensors[i] / (double)steps,7:F0} tensors"));
        }
    }

}
