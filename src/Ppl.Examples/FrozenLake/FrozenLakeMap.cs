using Ppl.Examples.FrozenLake.Mdp;
using static TorchSharp.torch;

namespace Ppl.Examples.FrozenLake;

/// <summary>
/// A FrozenLake grid: S start, F frozen (safe), H hole (the episode ends, reward 0), G goal (the
/// episode ends, reward 1). Actions are 0 = left, 1 = down, 2 = right, 3 = up; on slippery ice the
/// agent moves in the intended direction or in one of the two perpendicular ones, each with
/// probability 1/3, and a move into the border leaves it where it is. States are cells in row-major
/// order.
/// </summary>
public sealed class FrozenLakeMap
{
    /// <summary>Number of actions.</summary>
    public const int ActionCount = 4;

    private static readonly string[] ActionNames = ["left", "down", "right", "up"];

    /// <summary>Creates a map from its rows.</summary>
    /// <param name="name">A name for reports, e.g. <c>4x4</c>.</param>
    /// <param name="rows">Rows of equal length over S, F, H, G, with exactly one S and at least one G.</param>
    /// <param name="horizon">The time limit in steps.</param>
    /// <exception cref="ArgumentException">The rows are ragged, use other letters, or miss S or G.</exception>
    public FrozenLakeMap(string name, IReadOnlyList<string> rows, int horizon)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Count == 0 || rows.Any(r => r.Length != rows[0].Length || r.Any(c => "SFHG".IndexOf(c, StringComparison.Ordinal) < 0)))
        {
            throw new ArgumentException("map rows must be non-empty, of equal length, over the letters S, F, H, G.", nameof(rows));
        }

        string cells = string.Concat(rows);
        if (cells.Count(c => c == 'S') != 1 || !cells.Contains('G', StringComparison.Ordinal))
        {
            throw new ArgumentException("a map needs exactly one S and at least one G.", nameof(rows));
        }

        Name = name;
        Rows = rows;
        Height = rows.Count;
        Width = rows[0].Length;
        Cells = cells;
        Horizon = horizon;
    }

    /// <summary>The standard 4×4 map (time limit 100).</summary>
    public static FrozenLakeMap Standard4x4 { get; } = new("4x4", ["SFFF", "FHFH", "FFFH", "HFFG"], 100);

    /// <summary>The standard 8×8 map (time limit 200).</summary>
    public static FrozenLakeMap Standard8x8 { get; } = new(
        "8x8", ["SFFFFFFF", "FFFFFFFF", "FFFHFFFF", "FFFFFHFF", "FFFHFFFF", "FHHFFFHF", "FHFFHFHF", "FFFHFFFG"], 200);

    /// <summary>The map named <c>4x4</c> or <c>8x8</c>.</summary>
    /// <exception cref="ArgumentException">Another name.</exception>
    public static FrozenLakeMap ByName(string name) => name switch
    {
        "4x4" => Standard4x4,
        "8x8" => Standard8x8,
        _ => throw new ArgumentException($"unknown map '{name}'; use 4x4 or 8x8.", nameof(name)),
    };

    /// <summary>The map's name.</summary>
    public string Name { get; }

    /// <summary>The rows as given.</summary>
    public IReadOnlyList<string> Rows { get; }

    /// <summary>Number of rows.</summary>
    public int Height { get; }

    /// <summary>Number of columns.</summary>
    public int Width { get; }

    /// <summary>The cells in row-major order (the state index is the position).</summary>
    public string Cells { get; }

    /// <summary>The time limit in steps.</summary>
    public int Horizon { get; }

    /// <summary>Number of states (cells).</summary>
    public int StateCount => Cells.Length;

    /// <summary>The start state.</summary>
    public int Start => Cells.IndexOf('S', StringComparison.Ordinal);

    /// <summary>The name of an action.</summary>
    public static string ActionName(long action) => ActionNames[action];

    /// <summary>"(row, col)" of a state, for printouts.</summary>
    public string Describe(long state) => $"({state / Width},{state % Width}) {Cells[(int)state]}";

    /// <summary>True for holes.</summary>
    public bool IsHole(long state) => Cells[(int)state] == 'H';

    /// <summary>True for cells that end an episode (holes and goals).</summary>
    public bool IsTerminal(long state) => Cells[(int)state] is 'H' or 'G';

    /// <summary>The cell reached from <paramref name="state"/> moving in <paramref name="direction"/> (0 left, 1 down, 2 right, 3 up); the border stops the move.</summary>
    public int Move(int state, int direction)
    {
        int row = state / Width, col = state % Width;
        (row, col) = direction switch
        {
            0 => (row, Math.Max(col - 1, 0)),
            1 => (Math.Min(row + 1, Height - 1), col),
            2 => (row, Math.Min(col + 1, Width - 1)),
            3 => (Math.Max(row - 1, 0), col),
            _ => throw new ArgumentOutOfRangeException(nameof(direction), direction, "directions are 0..3."),
        };
        return (row * Width) + col;
    }

    /// <summary>The directions an intended action can turn into: itself, or perpendicular when slippery.</summary>
    public static int[] Directions(int action, bool slippery) =>
        slippery ? [(action + 3) % 4, action, (action + 1) % 4] : [action];

    /// <summary>
    /// The known dynamics as a tabular MDP (float64, on <paramref name="device"/>): each direction
    /// of <see cref="Directions"/> with equal probability; holes and goals loop on themselves
    /// (the episode is over there anyway).
    /// </summary>
    public TabularMdp ToMdp(bool slippery, Device? device = null)
    {
        int n = StateCount;
        var p = new double[n * ActionCount * n];
        for (int s = 0; s < n; s++)
        {
            for (int a = 0; a < ActionCount; a++)
            {
                if (IsTerminal(s))
                {
                    p[(((s * ActionCount) + a) * n) + s] = 1;
                    continue;
                }

                int[] directions = Directions(a, slippery);
                foreach (int d in directions)
                {
                    p[(((s * ActionCount) + a) * n) + Move(s, d)] += 1.0 / directions.Length;
                }
            }
        }

        var reward = Cells.Select(c => c == 'G' ? 1.0 : 0.0).ToArray();
        var terminal = Cells.Select(c => c is 'H' or 'G').ToArray();
        return new TabularMdp(
            tensor(p, [n, ActionCount, n], dtype: ScalarType.Float64, device: device),
            tensor(reward, dtype: ScalarType.Float64, device: device),
            tensor(terminal, device: device),
            Start,
            Horizon);
    }
}
