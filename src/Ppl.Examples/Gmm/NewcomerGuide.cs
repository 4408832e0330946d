using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Examples.Gmm;

/// <summary>
/// The guide a newcomer writes for <see cref="GmmModel.Model"/> without enumeration: point masses
/// (learned parameters) for the weights, means and scale, as AutoDelta would give, and for each point
/// its own Categorical over the components with learned logits. The assignments are then sampled, and
/// their gradients come from the score function (REINFORCE), which <see cref="Inference.TraceGraphElbo"/>
/// gives each point's logits from that point's terms only.
/// </summary>
/// <param name="start">The starting values of the globals, as for the enumerated fit.</param>
internal sealed class NewcomerGuide(IReadOnlyDictionary<string, Tensor> start)
{
    /// <summary>The parameter holding the per-point logits, [N, K].</summary>
    public const string LogitsName = "newcomer.logits";

    /// <summary>The guide.</summary>
    public object? Guide(Tensor x)
    {
        var weights = Param("newcomer.weights", () => start["weights"].clone(), Constraints.Simplex);
        var locs = Param("newcomer.locs", () => start["locs"].clone());
        var scale = Param("newcomer.scale", () => start["scale"].clone(), Constraints.Positive);
        var logits = Param(LogitsName, () => zeros(x.shape[0], GmmModel.K));
        Sample("weights", new Delta(weights, eventDim: 1));
        using (Plate("components", GmmModel.K))
        {
            Sample("locs", new Delta(locs));
        }

        Sample("scale", new Delta(scale));
        using var data = Plate("data", x.shape[0]);
        return Sample("assignment", Categorical.FromLogits(logits));
    }
}
