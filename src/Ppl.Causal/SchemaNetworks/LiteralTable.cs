using static TorchSharp.torch;

namespace Ppl.Causal.SchemaNetworks;

/// <summary>
/// The schema learner's view of the data: one row per (transition, entity), one bit set per literal — an
/// attribute value at an offset inside the window, or an action.
/// </summary>
internal sealed class LiteralTable
{
    private readonly EntityGrid _grid;
    private readonly SchemaLearnerOptions _options;
    private readonly int _transitions;
    private readonly int _offsets;
    private readonly RowSet[] _literals;
    private readonly RowSet[] _next;
    private readonly RowSet _changed;
    private readonly byte[] _rewards;
    private readonly int _rewardCount;
    private readonly int[] _support;
    private readonly bool[] _dynamic;

    public LiteralTable(EntityGrid grid, int actions, SchemaTransitions data, SchemaLearnerOptions options)
    {
        _grid = grid;
        _options = options;
        _transitions = (int)data.Count;
        int entities = grid.EntityCount;
        int attributes = grid.Attributes.Count;
        Rows = _transitions * entities;
        int height = (2 * options.RowRadius) + 1;
        int width = (2 * options.ColumnRadius) + 1;
        _offsets = height * width;
        _literals = new RowSet[(_offsets * attributes * 2) + actions];
        _support = Enumerable.Repeat(-1, _literals.Length).ToArray();
        for (int i = 0; i < _literals.Length; i++)
        {
            _literals[i] = new RowSet(Rows);
        }

        byte[] states = Bytes(data.States);
        byte[] next = Bytes(data.NextStates);
        long[] taken = data.Actions.cpu().contiguous().data<long>().ToArray();
        _rewards = Bytes(data.Rewards);
        _rewardCount = (int)data.Rewards.shape[1];
        _next = Enumerable.Range(0, attributes).Select(_ => new RowSet(Rows)).ToArray();
        _changed = new RowSet(Rows);
        _dynamic = new bool[attributes];
        int plane = grid.Rows * grid.Columns;
        for (int t = 0; t < _transitions; t++)
        {
            int stateBase = t * attributes * plane;
            for (int r = 0; r < grid.Rows; r++)
            {
                for (int c = 0; c < grid.Columns; c++)
                {
                    int row = (t * entities) + (r * grid.Columns) + c;
                    _literals[ActionLiteral((int)taken[t])].Add(row);
                    for (int a = 0; a < attributes; a++)
                    {
                        int here = stateBase + (a * plane) + (r * grid.Columns) + c;
                        if (next[here] != 0)
                        {
                            _next[a].Add(row);
                        }

                        if (next[here] != states[here])
                        {
                            _changed.Add(row);
                            _dynamic[a] = true;
                        }

                        for (int dr = -options.RowRadius; dr <= options.RowRadius; dr++)
                        {
                            for (int dc = -options.ColumnRadius; dc <= options.ColumnRadius; dc++)
                            {
                                int rr = r + dr, cc = c + dc;
                                bool value = rr >= 0 && rr < grid.Rows && cc >= 0 && cc < grid.Columns && states[stateBase + (a * plane) + (rr * grid.Columns) + cc] != 0;
                                _literals[AttributeLiteral(dr, dc, a, value)].Add(row);
                            }
                        }
                    }
                }
            }
        }
    }

    public int Rows { get; }

    public RowSet Literal(int id) => _literals[id];

    /// <summary>The number of rows where a literal holds.</summary>
    public int Support(int id) => _support[id] >= 0 ? _support[id] : (_support[id] = _literals[id].Count());

    /// <summary>
    /// How strongly the learner prefers a literal among those the data cannot tell apart: first literals on
    /// attributes that change (the objects that act: "paddle here" rather than "floor here" for a paddle that
    /// always runs along the floor), then the broadest attribute, counted by the rows where it is 1 whatever the
    /// literal's sign ("no solid ahead" rather than "no brick ahead" for a ball that has only met bricks there).
    /// Actions count as changing.
    /// </summary>
    public (bool Dynamic, int Breadth) Preference(int id)
    {
        int attributeLiterals = _offsets * _grid.Attributes.Count * 2;
        return id >= attributeLiterals ? (true, Support(id)) : (_dynamic[id / 2 % _grid.Attributes.Count], Support(id | 1));
    }

    public RowSet Attribute(int rowOffset, int columnOffset, int attribute, bool value) => _literals[AttributeLiteral(rowOffset, columnOffset, attribute, value)];

    public RowSet NextAttribute(int attribute) => _next[attribute];

    /// <summary>The literals that hold at a row: the candidates of a rule grown from it.</summary>
    public List<int> TrueAt(int row) => Enumerable.Range(0, _literals.Length).Where(id => _literals[id].Contains(row)).ToList();

    /// <summary>The rows where every literal of a rule holds.</summary>
    public RowSet Cover(IReadOnlyList<int> rule) => rule.Aggregate(RowSet.All(Rows), (cover, id) => cover.And(_literals[id]));

    /// <summary>
    /// A reward's rows: positives are the entities that change in transitions with the reward, negatives every
    /// entity of transitions without it; a row's group is its transition's positive rows.
    /// </summary>
    public (RowSet Positives, RowSet Negatives, Func<int, RowSet> Groups) Reward(int reward)
    {
        int entities = _grid.EntityCount;
        var rewarded = new RowSet(Rows);
        var positives = new RowSet(Rows);
        for (int t = 0; t < _transitions; t++)
        {
            if (_rewards[(t * _rewardCount) + reward] != 0)
            {
                // a reward for a configuration that does not change may sit at any entity
                bool anyChange = Enumerable.Range(t * entities, entities).Any(_changed.Contains);
                for (int e = 0; e < entities; e++)
                {
                    int row = (t * entities) + e;
                    rewarded.Add(row);
                    if (!anyChange || _changed.Contains(row))
                    {
                        positives.Add(row);
                    }
                }
            }
        }

        RowSet Group(int row)
        {
            var group = new RowSet(Rows);
            int start = row / entities * entities;
            for (int e = 0; e < entities; e++)
            {
                group.Add(start + e);
            }

            return group.And(positives);
        }

        return (positives, rewarded.Complement(), Group);
    }

    public UngroundedSchema Schema(SchemaEffect effect, int target, IEnumerable<int> rule)
    {
        var preconditions = new List<Precondition>();
        int? action = null;
        int attributeLiterals = _offsets * _grid.Attributes.Count * 2;
        foreach (int id in rule)
        {
            if (id >= attributeLiterals)
            {
                action = id - attributeLiterals;
                continue;
            }

            bool value = id % 2 == 1;
            int attribute = id / 2 % _grid.Attributes.Count;
            int offset = id / 2 / _grid.Attributes.Count;
            int width = (2 * _options.ColumnRadius) + 1;
            preconditions.Add(new Precondition((offset / width) - _options.RowRadius, (offset % width) - _options.ColumnRadius, attribute, value));
        }

        return new UngroundedSchema(effect, target, preconditions, action);
    }

    private int AttributeLiteral(int rowOffset, int columnOffset, int attribute, bool value)
    {
        int width = (2 * _options.ColumnRadius) + 1;
        int offset = ((rowOffset + _options.RowRadius) * width) + columnOffset + _options.ColumnRadius;
        return (((offset * _grid.Attributes.Count) + attribute) * 2) + (value ? 1 : 0);
    }

    private int ActionLiteral(int action) => (_offsets * _grid.Attributes.Count * 2) + action;

    private static byte[] Bytes(Tensor values)
    {
        if (values.numel() == 0)
        {
            return [];
        }

        using var scope = NewDisposeScope();
        return values.gt(0.5).to_type(ScalarType.Byte).cpu().contiguous().data<byte>().ToArray();
    }
}
