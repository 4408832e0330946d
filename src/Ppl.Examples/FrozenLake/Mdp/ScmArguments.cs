using static TorchSharp.torch;

namespace Ppl.Examples.FrozenLake.Mdp;

/// <summary>Arguments of the episode program <see cref="MdpScm.Run"/>.</summary>
/// <param name="Mdp">The known dynamics.</param>
/// <param name="ActionLogits">
/// The action mechanism's log-probabilities at step t in the given states (int64 [B]): [B, A].
/// A policy's is <c>(t, s) =&gt; policy.Logits[s]</c>; a per-step intervention swaps it at one step.
/// </param>
/// <param name="BatchShape">Episodes run side by side, e.g. [draws, episodes].</param>
/// <param name="RecordPath">Also return the visited states and actions (memory H·|B|).</param>
/// <param name="Memory">Whether the run frees each step's tensors; by default it asks the installed handlers.</param>
public sealed record ScmArguments(TabularMdp Mdp, Func<int, Tensor, Tensor> ActionLogits, long[] BatchShape, bool RecordPath = false, StepMemory Memory = StepMemory.AskHandlers)
{
    /// <summary>Episodes run by <paramref name="policy"/>.</summary>
    public static ScmArguments ForPolicy(TabularMdp mdp, TabularPolicy policy, long[] batchShape, bool recordPath = false)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new ScmArguments(mdp, (_, s) => policy.Logits[s], batchShape, recordPath);
    }
}
