using static TorchSharp.torch;

namespace Ppl.Causal.SchemaNetworks;

/// <summary>Observed transitions of an object-oriented MDP, the data a <see cref="SchemaLearner"/> learns from.</summary>
/// <param name="States">The states before, 0/1 planes [transitions, attributes, rows, columns].</param>
/// <param name="Actions">The actions taken, int64 [transitions].</param>
/// <param name="NextStates">The states after, like <paramref name="States"/>.</param>
/// <param name="Rewards">The rewards received, 0/1 [transitions, rewards].</param>
public sealed record SchemaTransitions(Tensor States, Tensor Actions, Tensor NextStates, Tensor Rewards)
{
    /// <summary>The number of transitions.</summary>
    public long Count => Actions.shape[0];
}
