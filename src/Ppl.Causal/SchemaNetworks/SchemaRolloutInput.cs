using static TorchSharp.torch;

namespace Ppl.Causal.SchemaNetworks;

/// <summary>The data of <see cref="SchemaNetwork.Rollout"/>.</summary>
/// <param name="InitialState">The state at step 0: 0/1 attribute planes [..., attributes, rows, columns].</param>
/// <param name="Actions">The action at each step, int64 [..., steps], with the state's batch shape in front.</param>
public sealed record SchemaRolloutInput(Tensor InitialState, Tensor Actions);
