using Ppl.Handlers;

namespace Ppl.Tests;

/// <summary>
/// What an ELBO does with a model and a guide, without the Inference layer: trace the guide, then
/// trace the model with the guide's trace replayed (latent values and plate subsample indices).
/// </summary>
internal static class ModelGuideRun
{
    public static (Trace Guide, Trace Model) Run(Action model, Action guide)
    {
        var guideTracer = new TraceMessenger();
        using (guideTracer.Install())
        {
            guide();
        }

        var modelTracer = new TraceMessenger();
        using (modelTracer.Install())
        {
            using (new ReplayMessenger(guideTracer.Trace).Install())
            {
                model();
            }
        }

        return (guideTracer.Trace, modelTracer.Trace);
    }

    /// <summary>Same indices, same order.</summary>
    public static long[] Ints(TorchSharp.torch.Tensor indices) => indices.data<long>().ToArray();
}
