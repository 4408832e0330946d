using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>Acyclicity of weighted adjacency matrices, where W[i, j] ≠ 0 means an edge i → j.</summary>
public static class Dag
{
    /// <summary>Whether the graph with an edge i → j for every nonzero W[i, j] has no directed cycle (a self-loop is a cycle).</summary>
    /// <param name="weights">A square [d, d] matrix; only its nonzero pattern matters.</param>
    /// <exception cref="ArgumentException">The matrix is not square 2-D.</exception>
    public static bool IsDag(Tensor weights) => TopologicalOrder(HostMatrix.Square(weights, "Dag.IsDag", nameof(weights))) is not null;

    /// <summary>A topological order of the nonzero pattern (causes before effects), or null when there is a cycle (Kahn's algorithm).</summary>
    internal static int[]? TopologicalOrder(double[,] w)
    {
        int d = w.GetLength(0);
        var indegree = new int[d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                if (w[i, j] != 0)
                {
                    indegree[j]++;
                }
            }
        }

        var order = new int[d];
        int head = 0, tail = 0;
        for (int j = 0; j < d; j++)
        {
            if (indegree[j] == 0)
            {
                order[tail++] = j;
            }
        }

        while (head < tail)
        {
            int i = order[head++];
            for (int j = 0; j < d; j++)
            {
                if (w[i, j] != 0 && --indegree[j] == 0)
                {
                    order[tail++] = j;
                }
            }
        }

        return tail == d ? order : null;
    }
}
