using Ppl.Effects;

namespace Ppl.Examples.FrozenLake.Mdp;

/// <summary>
/// Reports how far a counterfactual replay has got by watching the program it runs: the state
/// site of step t (<see cref="MdpScm.StateSite"/>) marks t steps of this chunk as done. Progress
/// is an effect handler, so <see cref="MdpScm"/> itself knows nothing about it.
/// </summary>
internal sealed class ReplayProgress(IProgress<double> progress, int horizon, long chunk, long chunks) : Messenger
{
    /// <inheritdoc />
    protected override void OnPostDeterministic(Message message)
    {
        if (MdpScm.ParseStateSite(message.Name) is int step)
        {
            progress.Report((chunk + ((double)step / horizon)) / chunks);
        }
    }
}
