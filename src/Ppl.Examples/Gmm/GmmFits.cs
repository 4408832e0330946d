using System.Diagnostics;
using System.Globalization;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using static TorchSharp.torch;

namespace Ppl.Examples.Gmm;

/// <summary>The two ways of fitting <see cref="GmmModel.Model"/>: enumeration, and a guide over the assignments.</summary>
internal static class GmmFits
{
    /// <summary>
    /// The enumerated route: <c>TraceEnumElbo</c> sums the assignments out exactly, AutoDelta (MAP)
    /// guides the weights, means and scale; then <c>InferDiscrete</c> at temperature 0 takes the
    /// assignments' joint MAP given the fitted globals.
    /// </summary>
    public static GmmRoute Enumerated(Tensor x, int steps, double learningRate, long seed, TextWriter output)
    {
        var model = ((Func<Tensor, object?>)GmmModel.Model).ConfigEnumerate();
        using var guide = new AutoDelta<Tensor>(model, init: InitStrategies.ToValue(GmmModel.Start(x)));
        using var adam = new Adam(learningRate);
        var svi = new Svi<Tensor>(model, guide.Guide, adam, new TraceEnumElbo(), seed: seed);
        var (losses, ms) = Fit("TraceEnumElbo + AutoDelta", steps, output, () => svi.Step(x));

        // the MAP assignments given the fitted globals: the model conditioned on a guide draw
        // (for AutoDelta the point itself), then Viterbi-style maximization over the enumerated sites
        Func<Tensor, object?> guideProgram = guide.Guide;
        var guideTrace = guideProgram.WithParams(svi.ParamStore).GetTrace(x);
        var (trace, _) = InferDiscrete.Run(model.Replay(guideTrace), x, temperature: 0);
        var fitted = guide.Median(x);
        return new GmmRoute("enumerated (TraceEnumElbo)", losses, losses[^1], ms, Longs(trace["assignment"].Value!),
            Doubles(fitted["weights"]), Doubles(fitted["locs"]), Doubles(fitted["scale"])[0]);
    }

    /// <summary>
    /// The newcomer's route: the plain model and <see cref="NewcomerGuide"/>, fitted by
    /// <c>TraceGraphElbo</c> with one draw of every assignment per step; each point's inferred
    /// component is the largest of its guide's logits.
    /// </summary>
    public static GmmRoute Newcomer(Tensor x, int steps, double learningRate, long seed, TextWriter output)
    {
        var guide = new NewcomerGuide(GmmModel.Start(x));
        using var adam = new Adam(learningRate);
        using var elbo = new TraceGraphElbo();
        var svi = new Svi<Tensor>(GmmModel.Model, guide.Guide, adam, elbo, seed: seed);
        var (losses, ms) = Fit("TraceGraphElbo + per-point guide", steps, output, () => svi.Step(x));
        var store = svi.ParamStore;
        // one draw per step makes each loss noisy: the end is the mean of the last tenth of the steps
        int tail = Math.Max(1, steps / 10);
        return new GmmRoute("newcomer (TraceGraphElbo)", losses, losses[^tail..].Average(), ms, Longs(store[NewcomerGuide.LogitsName].argmax(-1)),
            Doubles(store["newcomer.weights"]), Doubles(store["newcomer.locs"]), Doubles(store["newcomer.scale"])[0]);
    }

    private static (double[] Losses, double MsPerStep) Fit(string label, int steps, TextWriter output, Func<double> step)
    {
        var losses = new double[steps];
        var clock = Stopwatch.StartNew();
        ExampleProgress.Run(output, label, steps, progress =>
        {
            for (int i = 0; i < steps; i++)
            {
                // each step's tensors are freed when it ends
                using var scope = NewDisposeScope();
                losses[i] = step();
                if ((i + 1) % 25 == 0 || i + 1 == steps)
                {
                    progress.Report(i + 1, string.Create(CultureInfo.InvariantCulture, $"loss {losses[i]:F1}"));
                }
            }

            return steps;
        });
        return (losses, clock.Elapsed.TotalMilliseconds / steps);
    }

    private static long[] Longs(Tensor t) => t.to_type(ScalarType.Int64).cpu().contiguous().data<long>().ToArray();

    private static double[] Doubles(Tensor t) => t.detach().to_type(ScalarType.Float64).cpu().contiguous().flatten().data<double>().ToArray();
}
