using Ppl.Effects;
using Ppl.Examples.FrozenLake;
using Ppl.Examples.FrozenLake.Mdp;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.FrozenLake;

/// <summary>
/// MdpScm frees each step's tensors unless an installed handler keeps site values. By default
/// (<see cref="StepMemory.AskHandlers"/>) it asks the handlers what they do
/// (<see cref="Messenger.RetainsValues"/>), so a recorder a user writes is served like a trace;
/// the caller can also say it (<see cref="ScmArguments.Memory"/>).
/// </summary>
public sealed class MdpScmMemoryModeTests
{
    private sealed class StateRecorder(bool declaresRetention = true) : Messenger
    {
        public List<Tensor> States { get; } = [];

        public override bool RetainsValues => declaresRetention;

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

    [Fact]
    public void KeepingEveryStepIsACallersChoiceToo()
    {
        // a recorder that does not say it keeps values, run with the memory mode given explicitly
        using var scope = NewDisposeScope();
        var map = FrozenLakeMap.Standard4x4;
        var recorder = new StateRecorder(declaresRetention: false);
        using (recorder.Install())
        {
            MdpScm.Run(ScmArguments.ForPolicy(map.ToMdp(slippery: true), FrozenLakePolicies.Heuristic(map, 0.2), [64]) with { Memory = StepMemory.KeepAll });
        }

        Assert.True(recorder.States.Count > 1, "the program recorded no steps");
        Assert.All(recorder.States, s => Assert.False(s.IsInvalid, "MdpScm freed a state although told to keep every step"));
    }

    [Fact]
    public void FreeingEachStepIsHonouredEvenUnderARetainingHandler()
    {
        // the argument wins over the handlers' answer: the caller said the states need not outlive their step
        using var scope = NewDisposeScope();
        var map = FrozenLakeMap.Standard4x4;
        var recorder = new StateRecorder();
        using (recorder.Install())
        {
            MdpScm.Run(ScmArguments.ForPolicy(map.ToMdp(slippery: true), FrozenLakePolicies.Heuristic(map, 0.2), [64]) with { Memory = StepMemory.FreeEachStep });
        }

        Assert.True(recorder.States.Count > 2, "the program recorded too few steps");
        Assert.Contains(recorder.States.Take(recorder.States.Count - 1), s => s.IsInvalid);
    }
}
