using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>One ELBO estimate: the −ELBO value, the surrogate loss to differentiate, and the traces behind them.</summary>
/// <param name="Loss">The −ELBO estimate (0-dim).</param>
/// <param name="Surrogate">A 0-dim tensor whose gradient is the −ELBO gradient estimate.</param>
/// <param name="Runs">The guide and model traces of each run.</param>
public sealed record ElboEstimate(Tensor Loss, Tensor Surrogate, IReadOnlyList<ElboTraces> Runs)
{
    /// <summary>The names of the param sites either program touched, in first-use order.</summary>
    public IEnumerable<string> ParamNames =>
        Runs.SelectMany(r => r.Guide.ParamSites.Concat(r.Model.ParamSites)).Select(s => s.Name).Distinct();
}
