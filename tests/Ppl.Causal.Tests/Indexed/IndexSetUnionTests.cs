using Ppl.Causal;

namespace Ppl.Tests.Causal.Indexed;

/// <summary>
/// The algebra of <see cref="IndexSet.Union"/>, over ChiRho's own grid of index sets
/// (ports chirho tests/indexed/test_index_set.py).
/// </summary>
public sealed class IndexSetUnionTests
{
    private static readonly IndexSet[] Cases =
    [
        IndexSet.Empty,
        Set(("X", [0])),
        Set(("X", [1])),
        Set(("Y", [0])),
        Set(("X", [0, 1])),
        Set(("X", [0, 1])),
        Set(("X", [0, 1]), ("Y", [0, 1])),
        Set(("X", [0]), ("Y", [1])),
        Set(("X", [1]), ("Y", [1])),
        Set(("X", [0, 1]), ("Y", [0, 1]), ("Z", [0, 1])),
        Set(("X", [0, 1]), ("Y", [0, 1]), ("Z", [0, 1]), ("W", [0, 1])),
    ];

    public static TheoryData<int, int> Pairs()
    {
        var data = new TheoryData<int, int>();
        for (int a = 0; a < Cases.Length; a++)
        {
            for (int b = 0; b < Cases.Length; b++)
            {
                data.Add(a, b);
            }
        }

        return data;
    }

    public static TheoryData<int> Singles() => new(Enumerable.Range(0, Cases.Length));

    // ports chirho tests/indexed/test_index_set.py::test_union_indexset_commutes
    [Theory]
    [MemberData(nameof(Pairs))]
    public void UnionCommutes(int a, int b) => Assert.Equal(IndexSet.Union(Cases[a], Cases[b]), IndexSet.Union(Cases[b], Cases[a]));

    // ports chirho tests/indexed/test_index_set.py::test_union_indexset_assoc (wc runs over the grid inside)
    [Theory]
    [MemberData(nameof(Pairs))]
    public void UnionIsAssociative(int a, int b)
    {
        foreach (var c in Cases)
        {
            var right = IndexSet.Union(Cases[a], IndexSet.Union(Cases[b], c));
            var left = IndexSet.Union(IndexSet.Union(Cases[a], Cases[b]), c);
            Assert.Equal(right, left);
            Assert.Equal(left, IndexSet.Union(Cases[a], Cases[b], c));
        }
    }

    // ports chirho tests/indexed/test_index_set.py::test_union_indexset_idempotent
    [Theory]
    [MemberData(nameof(Singles))]
    public void UnionIsIdempotent(int a) => Assert.Equal(Cases[a], IndexSet.Union(Cases[a], Cases[a]));

    // ports chirho tests/indexed/test_index_set.py::test_union_indexset_absorbing
    [Theory]
    [MemberData(nameof(Pairs))]
    public void UnionIsAbsorbing(int a, int b) =>
        Assert.Equal(IndexSet.Union(Cases[a], Cases[b]), IndexSet.Union(Cases[a], IndexSet.Union(Cases[a], Cases[b])));

    // the docstring example of chirho.indexed.ops.union, checked entry by entry
    [Fact]
    public void UnionJoinsEntriesAtSharedNames()
    {
        var union = IndexSet.Union(Set(("a", [0, 1]), ("b", [1])), Set(("a", [1, 2])));
        Assert.Equal(Set(("a", [0, 1, 2]), ("b", [1])), union);
        Assert.Equal([0, 1, 2], union.Entries["a"]);
    }

    // chirho.indexed.ops.IndexSet drops empty entries and is hashable
    [Fact]
    public void EmptyEntriesAreDroppedAndEqualSetsHashAlike()
    {
        Assert.Equal(Set(("x", [0, 1])), Set(("x", [1, 0, 1]), ("y", [])));
        Assert.Equal(Set(("x", [0, 1]), ("y", [2])).GetHashCode(), Set(("y", [2]), ("x", [1, 0])).GetHashCode());
        var byKey = new Dictionary<IndexSet, int> { [Set(("x", [0]))] = 7 };
        Assert.Equal(7, byKey[new IndexSet(("x", 0))]);
        Assert.NotEqual(Set(("x", [0])), Set(("x", [1])));
        Assert.NotEqual(Set(("x", [0])), Set(("y", [0])));
    }

    [Fact]
    public void NamingAnIndexTwiceIsAnError()
    {
        var e = Assert.Throws<ArgumentException>(() => new IndexSet(("x", 0), ("x", 1)));
        Assert.Contains("'x'", e.Message, StringComparison.Ordinal);
    }

    private static IndexSet Set(params (string Name, int[] Entries)[] entries) =>
        new(entries.ToDictionary(e => e.Name, e => (IEnumerable<int>)e.Entries));
}
