using System.Globalization;
using Ppl.Causal;
using Ppl.Causal.SchemaNetworks;

namespace Ppl.Examples.SchemaNetworkBreakout;

/// <summary>The example's causal queries on the learned transition program, each beside the environment's answer.</summary>
internal static class QueryReport
{
    /// <summary>The start of the interventional queries: the standard layout's start drawn with seed 0.</summary>
    public const int InterventionSeed = 0;

    /// <summary>A start where the paddle, staying put, just catches the ball on its left edge (found by search over seeds).</summary>
    public const int CounterfactualSeed = 5;

    /// <summary>Steps every query looks ahead: long enough for the ball to hit a brick and come back down.</summary>
    public const int Steps = 12;

    public static void Write(TextWriter output, SchemaNetwork network, bool smoke, int seed, IDictionary<string, double> values)
    {
        int draws = smoke ? 10 : 100;
        output.WriteLine(Invariant($"Causal queries on the transition program (the agent stays put for {Steps} steps; {draws} draws each; 'env' is the environment run with the change made):"));
        var start = MiniBreakout.Reset(BreakoutLayout.Standard, new Random(InterventionSeed));

        var (brick, observed, intervened, trueObserved, trueIntervened) = BreakoutQueries.RemoveBrick(network, start, Steps, draws, seed);
        output.WriteLine(Invariant($"  do(brick at entity {brick} gone)          P(miss) {Format(intervened)}  env {Yes(trueIntervened)}   (as observed: {Format(observed)}, env {Yes(trueObserved)})"));
        values["do(brick gone) P(miss)"] = intervened.Value;
        values["observed P(miss)"] = observed.Value;

        int paddle = MiniBreakout.FindPaddle(start).Column;
        int[] columns = smoke ? [paddle + 1] : [paddle - 2, paddle, paddle + 1, paddle + 3];
        foreach (var (column, miss, truth) in BreakoutQueries.MovePaddle(network, start, columns, Steps, draws, seed))
        {
            output.WriteLine(Invariant($"  do(paddle at columns {column}–{column + MiniBreakout.PaddleWidth - 1})           P(miss) {Format(miss)}  env {Yes(truth)}"));
            values[Invariant($"do(paddle at {column}) P(miss)")] = miss.Value;
        }

        var counterfactualStart = MiniBreakout.Reset(BreakoutLayout.Standard, new Random(CounterfactualSeed));
        var stay = Enumerable.Repeat(MiniBreakout.Stay, Steps).ToArray();
        var (counterfactual, factualMiss, trueMiss) = BreakoutQueries.PaddleOneLeft(network, counterfactualStart, stay, draws, seed);
        output.WriteLine(Invariant($"  the ball was {(factualMiss ? "missed" : "caught")}; had the paddle been one cell left, P(miss) {Format(counterfactual)}  env {Yes(trueMiss)}"));
        values["counterfactual one-left P(miss)"] = counterfactual.Value;
    }

    private static string Format(CausalEstimate estimate) => Invariant($"{estimate.Value:F3} ± {estimate.StandardError:F3}");

    private static string Yes(bool value) => value ? "missed" : "caught";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
