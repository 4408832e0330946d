using static TorchSharp.torch;

namespace Ppl.Causal.SchemaNetworks;

/// <summary>
/// Learns a <see cref="SchemaNetwork"/> from transitions by greedy OR-of-ANDs covering, one target at a time
/// (each attribute turning on, each turning off, each reward). The paper relaxes this to an LP and says
/// little more; here it is exact sequential covering, the classic rule learner:
/// <list type="number">
/// <item>The rows are (transition, entity) pairs; a literal is one attribute value at one offset inside the
/// window (<see cref="SchemaLearnerOptions.RowRadius"/> × <see cref="SchemaLearnerOptions.ColumnRadius"/>)
/// or one action, and every literal is a bit set over the rows, so coverage is AND and popcount.</item>
/// <item>For "a turns on" the rows are those where a is 0 (positive: it is 1 next); for "a turns off" those
/// where a is 1 (positive: it is 0 next) — every other row is the self-transition.</item>
/// <item>While a positive row is uncovered, a rule grows from the first one: add the literal true there with
/// the highest FOIL gain until the rule covers no negative row (of literals the data cannot tell apart, the
/// one on an attribute that changes, then on the broadest attribute: "paddle here" rather than "floor here"
/// for a paddle that always runs along the floor, "no solid ahead" rather than "no brick ahead" for a ball
/// that has only met bricks there — the conditions that still hold where the data never went); then drop
/// every literal the rule does not need (most general rule first) and swap each remaining one for the most
/// preferred literal that does as well; the rows it covers are explained. A seed that no rule inside the window
/// separates from the negatives (contradicting data) is left unexplained.</item>
/// <item>Rules whose positives the others cover are removed (greedy set cover, largest first).</item>
/// <item>Rewards are ORs over entities: a transition with the reward is explained when a rule covers any of
/// its entities; rules grow from the entities that change in it (from any entity when none changes), and must cover no entity of a transition
/// without the reward.</item>
/// </list>
/// </summary>
public static class SchemaLearner
{
    /// <summary>Learns every target's schemas from <paramref name="data"/>.</summary>
    /// <exception cref="ArgumentException">The data's shapes do not fit the grid, the actions or the rewards.</exception>
    public static SchemaNetwork Learn(EntityGrid grid, IReadOnlyList<string> actions, IReadOnlyList<string> rewards, SchemaTransitions data, SchemaLearnerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(grid);
        ArgumentNullException.ThrowIfNull(actions);
        ArgumentNullException.ThrowIfNull(rewards);
        ArgumentNullException.ThrowIfNull(data);
        options ??= new SchemaLearnerOptions();
        options.Validate();
        Check(grid, actions, rewards, data);
        var table = new LiteralTable(grid, actions.Count, data, options);
        var schemas = new List<UngroundedSchema>();
        for (int a = 0; a < grid.Attributes.Count; a++)
        {
            var isOn = table.Attribute(0, 0, a, true);
            var nextOn = table.NextAttribute(a);
            schemas.AddRange(Cover(table, isOn.Complement().And(nextOn), isOn.Complement().AndNot(nextOn), null, options)
                .Select(rule => table.Schema(SchemaEffect.TurnsOn, a, rule)));
            schemas.AddRange(Cover(table, isOn.AndNot(nextOn), isOn.And(nextOn), null, options)
                .Select(rule => table.Schema(SchemaEffect.TurnsOff, a, rule)));
        }

        for (int r = 0; r < rewards.Count; r++)
        {
            var (positives, negatives, groups) = table.Reward(r);
            schemas.AddRange(Cover(table, positives, negatives, groups, options).Select(rule => table.Schema(SchemaEffect.Reward, r, rule)));
        }

        return new SchemaNetwork(grid, actions, rewards, schemas, options.Reliability, options.Leak);
    }

    /// <summary>
    /// Sequential covering of <paramref name="positives"/> against <paramref name="negatives"/>. With
    /// <paramref name="groups"/>, a covered row explains every positive row of its group (a reward's transition).
    /// </summary>
    private static List<int[]> Cover(LiteralTable table, RowSet positives, RowSet negatives, Func<int, RowSet>? groups, SchemaLearnerOptions options)
    {
        var rules = new List<(int[] Literals, RowSet Explained)>();
        var uncovered = positives;
        while (uncovered.First() is int seed && seed >= 0)
        {
            var rule = Grow(table, seed, uncovered, negatives, options.MaxConditions);
            if (rule is null)
            {
                var alone = new RowSet(table.Rows);
                alone.Add(seed);
                uncovered = uncovered.AndNot(groups?.Invoke(seed) ?? alone);
                continue;
            }

            var covered = table.Cover(rule).And(positives);
            var explained = groups is null ? covered : covered.Members().Select(groups).Aggregate(covered, (all, group) => all.Or(group)).And(positives);
            rules.Add((rule, explained));
            uncovered = uncovered.AndNot(explained);
        }

        // greedy set cover over what the rules explain: a rule earns its place by explaining something new
        var kept = new List<int[]>();
        var done = new RowSet(table.Rows);
        foreach (var (literals, explained) in rules.OrderByDescending(r => r.Explained.Count()))
        {
            if (explained.AndNot(done).Count() > 0)
            {
                kept.Add(literals);
                done = done.Or(explained);
            }
        }

        return kept;
    }

    private static int[]? Grow(LiteralTable table, int seed, RowSet uncovered, RowSet negatives, int maxConditions)
    {
        var candidates = table.TrueAt(seed);
        var rule = new List<int>();
        var cover = RowSet.All(table.Rows);
        double p0 = cover.CountAnd(uncovered);
        double n0 = cover.CountAnd(negatives);
        while (n0 > 0)
        {
            if (rule.Count == maxConditions)
            {
                return null;
            }

            int best = -1;
            double bestGain = double.NegativeInfinity;
            double bestP = 0, bestN = 0;
            foreach (int literal in candidates)
            {
                var set = table.Literal(literal);
                double p1 = cover.CountAnd(set, uncovered);
                double n1 = cover.CountAnd(set, negatives);
                if (n1 >= n0)
                {
                    continue;
                }

                // FOIL's gain: positives kept, times the rise in their log-precision
                double gain = p1 * (Math.Log(p1 / (p1 + n1)) - Math.Log(p0 / (p0 + n0)));
                bool tie = Math.Abs(gain - bestGain) <= 1e-9 * Math.Max(1, Math.Abs(gain));
                if ((!tie && gain > bestGain) || (tie && table.Preference(literal).CompareTo(table.Preference(best)) > 0))
                {
                    (best, bestGain, bestP, bestN) = (literal, gain, p1, n1);
                }
            }

            if (best < 0)
            {
                return null;
            }

            rule.Add(best);
            cover = cover.And(table.Literal(best));
            (p0, n0) = (bestP, bestN);
        }

        // most general first: a literal stays only if dropping it would let a negative in
        for (int i = rule.Count - 1; i >= 0; i--)
        {
            var without = rule.Where((_, j) => j != i).ToArray();
            if (table.Cover(without).CountAnd(negatives) == 0)
            {
                rule.RemoveAt(i);
            }
        }

        Generalize(table, rule, candidates, uncovered, negatives);
        return [.. rule];
    }

    /// <summary>
    /// Greedy growth is path-dependent: a literal picked early can stand where a more general one would do as
    /// well. Each literal is swapped for the most preferred literal true at the seed (<see cref="LiteralTable.Preference"/>)
    /// that keeps every negative out and as many uncovered positives in.
    /// </summary>
    private static void Generalize(LiteralTable table, List<int> rule, List<int> candidates, RowSet uncovered, RowSet negatives)
    {
        for (int i = 0; i < rule.Count; i++)
        {
            var others = table.Cover(rule.Where((_, j) => j != i).ToArray());
            int kept = others.CountAnd(table.Literal(rule[i]), uncovered);
            foreach (int literal in candidates)
            {
                if (table.Preference(literal).CompareTo(table.Preference(rule[i])) > 0 && !rule.Contains(literal)
                    && others.CountAnd(table.Literal(literal), negatives) == 0 && others.CountAnd(table.Literal(literal), uncovered) >= kept)
                {
                    rule[i] = literal;
                }
            }
        }
    }

    private static void Check(EntityGrid grid, IReadOnlyList<string> actions, IReadOnlyList<string> rewards, SchemaTransitions data)
    {
        long n = data.Count;
        long[] state = [n, grid.Attributes.Count, grid.Rows, grid.Columns];
        if (!data.States.shape.SequenceEqual(state) || !data.NextStates.shape.SequenceEqual(state) || data.Actions.dim() != 1
            || !data.Rewards.shape.SequenceEqual(new long[] { n, rewards.Count }))
        {
            throw new ArgumentException(
                $"SchemaLearner: states and next states are [transitions, attributes, rows, columns] = [{string.Join(", ", state)}], actions [transitions], rewards [transitions, {rewards.Count}]; "
                + $"got [{string.Join(", ", data.States.shape)}], [{string.Join(", ", data.NextStates.shape)}], [{string.Join(", ", data.Actions.shape)}], [{string.Join(", ", data.Rewards.shape)}].", nameof(data));
        }

        if (data.Actions.dtype != ScalarType.Int64 || (n > 0 && (data.Actions.min().item<long>() < 0 || data.Actions.max().item<long>() >= actions.Count)))
        {
            throw new ArgumentException($"SchemaLearner: actions are int64 indices below {actions.Count}.", nameof(data));
        }
    }
}
