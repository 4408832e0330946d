using Ppl.Causal;
using static TorchSharp.torch;

namespace Ppl.Examples.FrozenLake.Mdp;

/// <summary>Counterfactual replays of logged episodes: one per posterior draw and episode.</summary>
/// <param name="Returns">Counterfactual returns [draws, episodes].</param>
/// <param name="FinalStates">Counterfactual final states [draws, episodes].</param>
public sealed record CounterfactualResult(Tensor Returns, Tensor FinalStates)
{
    /// <summary>Each episode's expected counterfactual return over the noise posterior (a Monte-Carlo mean over draws), [episodes].</summary>
    public Tensor PerEpisode => Returns.mean([0]);

    /// <summary>
    /// The off-policy estimate: the mean over episodes of <see cref="PerEpisode"/>, with the standard
    /// error across episodes (episodes are independent; draws within one are not separate data).
    /// </summary>
    public CausalEstimate Value => CausalEstimate.OfMean(PerEpisode);
}
