using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Handlers;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Effects;

/// <summary>
/// Programs ask what installed handlers do, not which types they are: <see cref="HandlerStack.RetainsValues"/>,
/// <see cref="HandlerStack.AltersDraws"/> and <see cref="ParamStore.Active"/>. A handler a user
/// writes declares the same capabilities and is treated like the built-in ones.
/// </summary>
public sealed class HandlerCapabilityTests
{
    /// <summary>A user's own recorder: keeps every sample value, and says so.</summary>
    private sealed class Recorder : Messenger
    {
        public List<Tensor> Values { get; } = [];

        public override bool RetainsValues => true;

        protected override void OnPostSample(Message message) => Values.Add(message.Value!);
    }

    [Fact]
    public void NothingInstalledNeitherRetainsNorAlters()
    {
        Assert.False(HandlerStack.RetainsValues);
        Assert.False(HandlerStack.AltersDraws);
        Assert.Null(ParamStore.Active);
    }

    [Fact]
    public void ATraceRetainsValuesAndAUsersRecorderCanSaySo()
    {
        using (new TraceMessenger().Install())
        {
            Assert.True(HandlerStack.RetainsValues);
            Assert.False(HandlerStack.AltersDraws);
        }

        using (new Recorder().Install())
        {
            Assert.True(HandlerStack.RetainsValues);
        }

        using (new BlockMessenger(_ => true).Install())
        {
            Assert.False(HandlerStack.RetainsValues);
        }
    }

    [Fact]
    public void SeedsAndPlatesAlterDraws()
    {
        using (new SeedMessenger(1).Install())
        {
            Assert.True(HandlerStack.AltersDraws);
        }

        using (Plate("data", 3))
        {
            Assert.True(HandlerStack.AltersDraws);
        }

        Assert.False(HandlerStack.AltersDraws);
    }

    [Fact]
    public void TheActiveStoreIsTheInnermostActivation()
    {
        using var outer = new ParamStore();
        using var inner = new ParamStore();
        using (outer.Activate())
        {
            Assert.Same(outer, ParamStore.Active);
            using (inner.Activate())
            {
                Assert.Same(inner, ParamStore.Active);
            }

            Assert.Same(outer, ParamStore.Active);
        }

        Assert.Null(ParamStore.Active);
    }

    [Fact]
    public void ARecorderSeesLiveValuesOfAProgramThatFreesStepsWhenNothingRetainsThem()
    {
        // a program in the style of MdpScm: it frees each step's tensors unless a handler keeps values
        static void Program(int steps)
        {
            bool freeSteps = !HandlerStack.RetainsValues;
            for (int t = 0; t < steps; t++)
            {
                using var scope = freeSteps ? NewDisposeScope() : null;
                Sample($"x{t}", new Normal(tensor(0.0), 1.0));
            }
        }

        var recorder = new Recorder();
        using (recorder.Install())
        {
            Program(3);
        }

        Assert.Equal(3, recorder.Values.Count);
        Assert.All(recorder.Values, v => Assert.False(v.IsInvalid, "a recorded value was freed by the program"));
        recorder.Values.ForEach(v => v.Dispose());
    }
}
