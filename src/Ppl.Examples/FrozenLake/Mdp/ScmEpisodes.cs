using static TorchSharp.torch;

namespace Ppl.Examples.FrozenLake.Mdp;

/// <summary>What one run of <see cref="MdpScm.Run"/> produced, for every episode of its batch shape B.</summary>
/// <param name="Returns">Undiscounted return, float [B].</param>
/// <param name="FinalStates">The state each episode ended in, int64 [B].</param>
/// <param name="Lengths">Steps taken before entering a terminal state or reaching the time limit, int64 [B].</param>
/// <param name="States">With <see cref="ScmArguments.RecordPath"/>: visited states [B, H+1] (padded by the final state); otherwise null.</param>
/// <param name="Actions">With <see cref="ScmArguments.RecordPath"/>: actions [B, H] (past the end: what the policy would have done in the final state); otherwise null.</param>
public sealed record ScmEpisodes(Tensor Returns, Tensor FinalStates, Tensor Lengths, Tensor? States, Tensor? Actions);
