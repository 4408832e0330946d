using Ppl.Causal;
using static TorchSharp.torch;

namespace Ppl.Examples.CausalVae;

/// <summary>
/// Scores a trained causal VAE on held-out units (<see cref="CausalVaeScores"/>). Each unit's
/// counterfactual asks for a shape it does not have: s′ is one of the two other shapes, drawn
/// uniformly from the seed, so that every query changes something.
/// </summary>
internal static class CausalVaeEvaluation
{
    /// <summary>Units scored per twin-world run (bounds the memory of one run).</summary>
    private const int Chunk = 250;

    /// <summary>The counterfactual shape s′ of each unit: one of the other two, uniformly.</summary>
    public static Tensor OtherShapes(Tensor shapes, long seed) =>
        shapes.add(randint(1, 3, shapes.shape, dtype: ScalarType.Int64, generator: new Generator((ulong)seed), device: shapes.device)).remainder(3);

    /// <summary>Scores the networks on the test units given by their factor indices [n, 5]; <paramref name="progress"/> gets the units done.</summary>
    public static CausalVaeScores Score(CausalVaeNetworks networks, Tensor testFactors, long seed, Action<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(networks);
        ArgumentNullException.ThrowIfNull(testFactors);
        int n = checked((int)testFactors.shape[0]);
        var sums = new double[7];
        for (int start = 0; start < n; start += Chunk)
        {
            using var scope = NewDisposeScope();
            int count = Math.Min(Chunk, n - start);
            var factors = testFactors[start..(start + count)].to(networks.Device);
            var batch = CausalVaeBatch.Of(factors, networks);
            var images = batch.Images!;
            var target = OtherShapes(factors[.., 0], seed + start);
            var actions = new Dictionary<string, Intervention> { ["shape"] = target };

            var answer = CausalVaeQueries.Counterfactual(batch, actions);
            var truth = CausalVaeBatch.ImagesOf(answer.Factors);
            var (_, sampled) = CausalVaeQueries.InterventionalSample(networks, count, actions, seed + start + 1);
            var scores = new[]
            {
                Iou.PerImage(Binary(CausalVaeQueries.Reconstruct(batch)), images),
                Iou.PerImage(Binary(CausalVaeQueries.DecodeLabelsOnly(batch)), images),
                Iou.PerImage(Binary(answer.Probs), truth),
                Iou.PerImage(Binary(CausalVaeQueries.ShapeOnlyEdit(batch, target)), truth),
                Iou.PerImage(Binary(sampled), truth),
                Iou.PerImage(CausalVaeBatch.ImagesOf(batch.WithShape(target).Factors!), truth),
                answer.Factors[.., 1..].ne(factors[.., 1..]).any(1).to(ScalarType.Float64),
            };
            for (int k = 0; k < scores.Length; k++)
            {
                sums[k] += scores[k].sum().cpu().item<double>();
            }

            progress?.Invoke(start + count);
        }

        return new CausalVaeScores(n, sums[0] / n, sums[1] / n, sums[2] / n, sums[3] / n, sums[4] / n, sums[5] / n, sums[6] / n);
    }

    /// <summary>A decoded mean as a binary image: pixel probability above one half.</summary>
    public static Tensor Binary(Tensor probs) => probs.gt(0.5);
}
