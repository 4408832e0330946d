using System.Diagnostics;
using System.Globalization;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using static TorchSharp.torch;

namespace Ppl.Examples.Hmm;

/// <summary>What the fit gave: the loss per step, the time per step, the fitted parameters and the Viterbi path under them.</summary>
/// <param name="Losses">The exact negative ELBO of every step (the states summed out, the globals at the guide's point).</param>
/// <param name="MsPerStep">Wall time per SVI step, in milliseconds.</param>
/// <param name="Transition">The fitted transition matrix, row-major [K·K].</param>
/// <param name="Locs">The fitted emission means.</param>
/// <param name="Scale">The fitted emission scale.</param>
/// <param name="Viterbi">The most probable state path given the fitted parameters.</param>
/// <param name="ViterbiSeconds">The time <c>InferDiscrete</c> took for it.</param>
internal sealed record HmmFit(double[] Losses, double MsPerStep, double[] Transition, double[] Locs, double Scale, long[] Viterbi, double ViterbiSeconds)
{
    /// <summary>
    /// Fits <see cref="HmmModel.Model"/> to <paramref name="x"/>: the states enumerated and summed out
    /// by <c>TraceEnumElbo</c> (the forward algorithm, in effect), AutoDelta (MAP) over the transition
    /// rows, means and scale; then the Viterbi path by <c>InferDiscrete</c> at temperature 0.
    /// </summary>
    public static HmmFit Run(Tensor x, int steps, double learningRate, long seed, TextWriter output)
    {
        var model = ((Func<Tensor, object?>)HmmModel.Model).ConfigEnumerate();
        using var guide = new AutoDelta<Tensor>(model, init: InitStrategies.ToValue(HmmModel.Start(x)));
        using var adam = new Adam(learningRate);
        var svi = new Svi<Tensor>(model, guide.Guide, adam, new TraceEnumElbo(), seed: seed);
        var losses = new double[steps];
        var clock = Stopwatch.StartNew();
        ExampleProgress.Run(output, "TraceEnumElbo + AutoDelta", steps, progress =>
        {
            for (int i = 0; i < steps; i++)
            {
                using var scope = NewDisposeScope();
                losses[i] = svi.Step(x);
                if ((i + 1) % 5 == 0 || i + 1 == steps)
                {
                    progress.Report(i + 1, string.Create(CultureInfo.InvariantCulture, $"loss {losses[i]:F1}"));
                }
            }

            return steps;
        });
        double ms = clock.Elapsed.TotalMilliseconds / steps;

        clock.Restart();
        Func<Tensor, object?> guideProgram = guide.Guide;
        var guideTrace = guideProgram.WithParams(svi.ParamStore).GetTrace(x);
        var (trace, _) = InferDiscrete.Run(model.Replay(guideTrace), x, temperature: 0);
        long[] viterbi = HmmModel.States(trace, (int)x.shape[0]);
        double viterbiSeconds = clock.Elapsed.TotalSeconds;

        var fitted = guide.Median(x);
        return new HmmFit(losses, ms, Doubles(fitted["transition"]), Doubles(fitted["locs"]), Doubles(fitted["scale"])[0], viterbi, viterbiSeconds);
    }

    /// <summary>The Viterbi path of <paramref name="x"/> under the simulation's own parameters: the best a decoder can do.</summary>
    public static long[] ViterbiUnderTruth(Tensor x)
    {
        var model = ((Func<Tensor, object?>)HmmModel.Model).ConfigEnumerate().Substitute(HmmData.TrueSites());
        var (trace, _) = InferDiscrete.Run(model, x, temperature: 0);
        return HmmModel.States(trace, (int)x.shape[0]);
    }

    private static double[] Doubles(Tensor t) => t.detach().to_type(ScalarType.Float64).cpu().contiguous().flatten().data<double>().ToArray();
}
