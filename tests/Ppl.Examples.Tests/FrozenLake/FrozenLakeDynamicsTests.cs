using MathNet.Numerics.Distributions;
using Ppl.Examples.FrozenLake;
using Ppl.Examples.FrozenLake.Mdp;
using static TorchSharp.torch;

namespace Ppl.Tests.Examples.FrozenLake;

[Trait(Stage.Key, Stage.Statistical)]
[Collection("Sequential")]
public sealed class FrozenLakeDynamicsTests
{
    private const int Draws = 20_000;

    /// <summary>
    /// The stated rule, written out independently of the library: the intended direction and the
    /// two perpendicular ones with probability 1/3 each; the border stops a move.
    /// </summary>
    private static Dictionary<int, double> Stated(int width, int height, int state, int action, bool slippery)
    {
        var result = new Dictionary<int, double>();
        int[] directions = slippery ? [action, (action + 1) % 4, (action + 3) % 4] : [action];
        foreach (int d in directions)
        {
            int row = state / width, col = state % width;
            int dr = d == 1 ? 1 : d == 3 ? -1 : 0;
            int dc = d == 2 ? 1 : d == 0 ? -1 : 0;
            int r = Math.Clamp(row + dr, 0, height - 1), c = Math.Clamp(col + dc, 0, width - 1);
            int next = (r * width) + c;
            result[next] = result.GetValueOrDefault(next) + (1.0 / directions.Length);
        }

        return result;
    }

    private static void AssertChiSquare(long[] next, Dictionary<int, double> expected, string what)
    {
        Assert.All(next, s => Assert.True(expected.ContainsKey((int)s), $"{what}: impossible next state {s}"));
        double statistic = expected.Sum(kv =>
        {
            double e = kv.Value * next.Length;
            double o = next.Count(s => s == kv.Key);
            return (o - e) * (o - e) / e;
        });
        int dof = expected.Count - 1;
        if (dof > 0)
        {
            double p = 1 - ChiSquared.CDF(dof, statistic);
            Assert.True(p > 1e-4, $"{what}: chi-square {statistic:F2} on {dof} dof, p = {p:G3}");
        }
    }

    public static TheoryData<int, int> SlipperyCases => new()
    {
        { 0, 0 }, { 0, 1 }, { 0, 3 }, { 6, 1 }, { 6, 2 }, { 9, 3 }, { 14, 2 }, { 13, 0 },
    };

    [Theory]
    [MemberData(nameof(SlipperyCases))]
    public void EnvironmentStepMatchesTheStatedProbabilities(int state, int action)
    {
        var map = FrozenLakeMap.Standard4x4;
        var environment = new FrozenLakeEnvironment(map, slippery: true);
        using var generator = new Generator(17, CPU);
        var (next, _) = environment.Step(full([Draws], (long)state), full([Draws], (long)action), generator);
        AssertChiSquare(next.data<long>().ToArray(), Stated(4, 4, state, action, slippery: true), $"step from {state} by {action}");
    }

    [Theory]
    [MemberData(nameof(SlipperyCases))]
    public void TheScmTransitionMatchesTheStatedProbabilities(int state, int action)
    {
        // one step of the Ppl program from the given state, with the action forced
        var mdp = FrozenLakeMap.Standard4x4.ToMdp(slippery: true);
        var fromState = new TabularMdp(mdp.Transition, mdp.Reward, mdp.Terminal, state, horizon: 1);
        var always = TabularPolicy.Deterministic("always", full([16], (long)action), 4);
        Func<ScmArguments, ScmEpisodes> program = MdpScm.Run;
        var episodes = program.Seed(23).Invoke(ScmArguments.ForPolicy(fromState, always, [Draws]));
        AssertChiSquare(episodes.FinalStates.data<long>().ToArray(), Stated(4, 4, state, action, slippery: true), $"SCM step from {state} by {action}");
    }

    [Fact]
    public void HandWrittenCornerCasesOfTheTransitionTable()
    {
        var p = FrozenLakeMap.Standard4x4.ToMdp(slippery: true).Transition;
        Assert.Equal(2.0 / 3, p[0, 0, 0].item<double>(), 12); // left from the corner: left and up hit the border
        Assert.Equal(1.0 / 3, p[0, 0, 4].item<double>(), 12); // … down slips to the cell below
        Assert.Equal(1.0 / 3, p[14, 2, 15].item<double>(), 12); // right next to the goal
        Assert.Equal(1.0, p[5, 1, 5].item<double>(), 12); // holes are absorbing
        var fixedIce = FrozenLakeMap.Standard4x4.ToMdp(slippery: false).Transition;
        Assert.Equal(1.0, fixedIce[0, 1, 4].item<double>(), 12);
        Assert.Equal(1.0, fixedIce[0, 3, 0].item<double>(), 12);
    }

    [Fact]
    public void NonSlipperyStepsAreDeterministic()
    {
        var map = FrozenLakeMap.Standard8x8;
        var environment = new FrozenLakeEnvironment(map, slippery: false);
        var states = arange(64, dtype: ScalarType.Int64).repeat_interleave(4L);
        var actions = arange(4, dtype: ScalarType.Int64).repeat(64);
        var (next, _) = environment.Step(states, actions);
        long[] got = next.data<long>().ToArray();
        for (int i = 0; i < got.Length; i++)
        {
            Assert.Equal(Stated(8, 8, i / 4, i % 4, slippery: false).Keys.Single(), got[i]);
        }
    }

    [Theory]
    [InlineData("4x4", 100)]
    [InlineData("8x8", 200)]
    public void EpisodesEndInHolesOrAtTheGoalWithRewardOneOnlyAtTheGoal(string name, int horizon)
    {
        var map = FrozenLakeMap.ByName(name);
        Assert.Equal(horizon, map.Horizon);
        var environment = new FrozenLakeEnvironment(map, slippery: true);
        using var generator = new Generator(5, CPU);
        var log = environment.Rollout(FrozenLakePolicies.Heuristic(map, 0.3), 300, generator);
        long[] lengths = log.Lengths.data<long>().ToArray();
        double[] returns = log.Returns.data<double>().ToArray();
        for (int e = 0; e < lengths.Length; e++)
        {
            long final = log.States[e, lengths[e]].item<long>();
            Assert.InRange(lengths[e], 1, horizon);
            Assert.True(map.IsTerminal(final) || lengths[e] == horizon, $"episode {e} stopped early in a non-terminal state");
            Assert.Equal(map.Cells[(int)final] == 'G' ? 1.0 : 0.0, returns[e]);
            for (long t = 0; t < lengths[e]; t++)
            {
                Assert.False(map.IsTerminal(log.States[e, t].item<long>()), $"episode {e} went on after a terminal state");
            }
        }
    }

    /// <summary>
    /// A bool transition table reaches the P·(R + V) product only as a type error; the constructor
    /// refuses it by name (docs/design/aborting-bindings.md: this was the AbortProbe's ppl.mdp.bool).
    /// </summary>
    [Fact]
    public void ABoolTransitionTableIsRefusedByName()
    {
        using var scope = NewDisposeScope();
        var transition = tensor(new[] { true, false, false, true }, [2, 1, 2]);
        var error = Assert.Throws<ArgumentException>(() => new TabularMdp(transition, zeros(2, dtype: float64), zeros(2, dtype: ScalarType.Bool), start: 0, horizon: 3));
        Assert.Contains("floating-point", error.Message, StringComparison.Ordinal);
    }
}
