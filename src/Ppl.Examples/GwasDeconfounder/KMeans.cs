using static TorchSharp.torch;

namespace Ppl.Examples.GwasDeconfounder;

/// <summary>
/// Lloyd's k-means with k-means++ starts and several restarts (as scikit-learn's <c>KMeans</c> defaults
/// do): the simulation's population groups are clusters of a few SNPs, as in Wang &amp; Blei's code.
/// </summary>
internal static class KMeans
{
    /// <summary>The cluster of every row of <paramref name="points"/> [N, d] among <paramref name="clusters"/>, int64 [N], from the restart with the least within-cluster sum of squares.</summary>
    public static Tensor Labels(Tensor points, int clusters, Generator generator, int restarts = 10, int iterations = 300)
    {
        using var scope = NewDisposeScope();
        var x = points.to(float64);
        Tensor? best = null;
        double bestInertia = double.PositiveInfinity;
        for (int r = 0; r < restarts; r++)
        {
            var centres = PlusPlus(x, clusters, generator);
            Tensor labels = zeros(x.shape[0], dtype: int64);
            for (int it = 0; it < iterations; it++)
            {
                var next = cdist(x, centres).argmin(1);
                bool stable = it > 0 && next.eq(labels).all().item<bool>();
                labels = next;
                if (stable)
                {
                    break;
                }

                centres = stack(Enumerable.Range(0, clusters).Select(c =>
                {
                    var members = x.index(labels.eq(c));
                    return members.shape[0] > 0 ? members.mean([0L]) : centres[c];
                }).ToArray());
            }

            double inertia = cdist(x, centres).min(1).values.square().sum().item<double>();
            if (inertia < bestInertia)
            {
                (best, bestInertia) = (labels, inertia);
            }
        }

        return best!.MoveToOuterDisposeScope();
    }

    /// <summary>k-means++: each next centre drawn with probability proportional to the squared distance to the nearest one chosen.</summary>
    private static Tensor PlusPlus(Tensor x, int clusters, Generator generator)
    {
        var chosen = new List<Tensor> { x[randint(x.shape[0], [1], generator: generator).item<long>()] };
        while (chosen.Count < clusters)
        {
            var d2 = cdist(x, stack(chosen.ToArray())).min(1).values.square();
            var next = d2.sum().item<double>() > 0 ? multinomial(d2, 1, generator: generator).item<long>() : randint(x.shape[0], [1], generator: generator).item<long>();
            chosen.Add(x[next]);
        }

        return stack(chosen.ToArray());
    }
}
