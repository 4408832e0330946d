using System.Numerics;

namespace Ppl.Causal.SchemaNetworks;

/// <summary>A set of rows (entity × transition) as a bit array: the schema learner counts coverage by AND and popcount.</summary>
internal sealed class RowSet
{
    private readonly ulong[] _words;

    public RowSet(int rows)
    {
        Rows = rows;
        _words = new ulong[(rows + 63) / 64];
    }

    private RowSet(int rows, ulong[] words)
    {
        Rows = rows;
        _words = words;
    }

    public int Rows { get; }

    public static RowSet All(int rows)
    {
        var set = new RowSet(rows);
        for (int i = 0; i < rows; i++)
        {
            set.Add(i);
        }

        return set;
    }

    public void Add(int row) => _words[row >> 6] |= 1UL << (row & 63);

    public bool Contains(int row) => (_words[row >> 6] & (1UL << (row & 63))) != 0;

    public int Count()
    {
        int count = 0;
        foreach (ulong word in _words)
        {
            count += BitOperations.PopCount(word);
        }

        return count;
    }

    /// <summary>|this ∧ other| without building the intersection.</summary>
    public int CountAnd(RowSet other)
    {
        int count = 0;
        for (int i = 0; i < _words.Length; i++)
        {
            count += BitOperations.PopCount(_words[i] & other._words[i]);
        }

        return count;
    }

    /// <summary>|this ∧ a ∧ b| without building the intersection.</summary>
    public int CountAnd(RowSet a, RowSet b)
    {
        int count = 0;
        for (int i = 0; i < _words.Length; i++)
        {
            count += BitOperations.PopCount(_words[i] & a._words[i] & b._words[i]);
        }

        return count;
    }

    public RowSet Complement()
    {
        var words = new ulong[_words.Length];
        for (int i = 0; i < words.Length; i++)
        {
            words[i] = ~_words[i];
        }

        if (Rows % 64 != 0)
        {
            words[^1] &= (1UL << (Rows % 64)) - 1;
        }

        return new RowSet(Rows, words);
    }

    public RowSet And(RowSet other) => Combine(other, (x, y) => x & y);

    public RowSet AndNot(RowSet other) => Combine(other, (x, y) => x & ~y);

    public RowSet Or(RowSet other) => Combine(other, (x, y) => x | y);

    public int First()
    {
        for (int i = 0; i < _words.Length; i++)
        {
            if (_words[i] != 0)
            {
                return (i << 6) + BitOperations.TrailingZeroCount(_words[i]);
            }
        }

        return -1;
    }

    public IEnumerable<int> Members()
    {
        for (int i = 0; i < _words.Length; i++)
        {
            ulong word = _words[i];
            while (word != 0)
            {
                yield return (i << 6) + BitOperations.TrailingZeroCount(word);
                word &= word - 1;
            }
        }
    }

    private RowSet Combine(RowSet other, Func<ulong, ulong, ulong> op)
    {
        var words = new ulong[_words.Length];
        for (int i = 0; i < words.Length; i++)
        {
            words[i] = op(_words[i], other._words[i]);
        }

        return new RowSet(Rows, words);
    }
}
