using Ppl.Examples.FrozenLake.Mdp;
using Ppl.Effects;
using Ppl.Examples.FrozenLake;
using static TorchSharp.torch;

namespace Ppl.Tests.FrozenLake;

/// <summary>
/// MdpScm frees each step's tensors unless an installed handler keeps site values. It asks the
/// handlers what they do (<see cref="Messenger.RetainsValues"/>), so a recorder a user writes is
/// served like a trace.
/// </summary>
public sealed class MdpScmMemoryModeTests
{
    private sealed class StateRecorder : Messenger
    {
        public List<Tensor> States { get; } = [];

        public override bool RetainsValues => true;

        protected override void OnPostDeterministic(Message message)
        {
            if (MdpScm.ParseStateSite(message.Name) is not null)
            {
                States.Add(message.Value!);
            }
        }
    }

    [Fact]
    public void AUsersRecorderThatRetainsValuesGetsLiveStates()
    {
        using var scope = NewDisposeScope();
        var map = FrozenLakeMap.Standard4x4;
        var mdp = map.ToMdp(slippery: true);
        var policy = FrozenLakePolicies.Heuristic(map, 0.2);
        var recorder = new StateRecorder();
        using (recorder.Install())
        {
            MdpScm.Run(ScmArguments.ForPolicy(mdp, policy, [64]));
        }

        Assert.True(recorder.States.Count > 1, "the program recorded no steps");
        Assert.All(recorder.States, s => Assert.False(s.IsInvalid, "MdpScm freed a state a retaining handler still holds"));
        Assert.All(recorder.States, s => Assert.True(s.ge(0).all().item<bool>()));
    }
}
