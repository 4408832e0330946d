using Ppl.Causal;
using Ppl.Examples.Pictures;
using static TorchSharp.torch;

namespace Ppl.Examples.CausalVae;

/// <summary>The causal VAE's grids of images (docs/examples/causal-vae.md shows them).</summary>
internal static class CausalVaePictures
{
    private const int Side = SpriteRenderer.Side;

    /// <summary>Three rows for <paramref name="factors"/>' units: the generator's images, the reconstructions, the labels-only decodes.</summary>
    public static void WriteReconstructions(string path, CausalVaeNetworks networks, Tensor factors)
    {
        using var scope = NewDisposeScope();
        var batch = CausalVaeBatch.Of(factors, networks);
        var rows = cat([batch.Images!.to(ScalarType.Float32), CausalVaeQueries.Reconstruct(batch), CausalVaeQueries.DecodeLabelsOnly(batch)], 0);
        ImageGrid.WritePng(path, rows.cpu().view(-1, Side, Side), columns: (int)factors.shape[0]);
    }

    /// <summary>
    /// A row per unit: the factual image, its reconstruction, the answers to do(shape = square, ellipse,
    /// heart), and for the unit's s′ (one of the other shapes) the generator's rendering of the factors
    /// that query sampled, the shape-only edit and an interventional sample.
    /// </summary>
    public static void WriteCounterfactuals(string path, CausalVaeNetworks networks, Tensor factors, long seed)
    {
        using var scope = NewDisposeScope();
        int n = (int)factors.shape[0];
        var batch = CausalVaeBatch.Of(factors, networks);
        var target = CausalVaeEvaluation.OtherShapes(factors[.., 0], seed);
        var answers = Enumerable.Range(0, 3)
            .Select(s => CausalVaeQueries.Counterfactual(batch, new Dictionary<string, Intervention> { ["shape"] = full([n], s, dtype: ScalarType.Int64, device: factors.device) }))
            .ToArray();
        // each unit's row of the answer to its own s′: [shape, unit] → [unit]
        var truthFactors = stack(answers.Select(a => a.Factors).ToArray(), 0)
            .index(TensorIndex.Tensor(target), TensorIndex.Tensor(arange(n, dtype: ScalarType.Int64, device: factors.device)));
        var (_, sampled) = CausalVaeQueries.InterventionalSample(networks, n, new Dictionary<string, Intervention> { ["shape"] = target }, seed + 1);
        var columns = new[]
        {
            batch.Images!.to(ScalarType.Float32),
            CausalVaeQueries.Reconstruct(batch),
            answers[0].Probs,
            answers[1].Probs,
            answers[2].Probs,
            CausalVaeBatch.ImagesOf(truthFactors).to(ScalarType.Float32),
            CausalVaeQueries.ShapeOnlyEdit(batch, target),
            sampled,
        };
        ImageGrid.WritePng(path, stack(columns, 1).cpu().view(-1, Side, Side), columns: columns.Length);
    }

    /// <summary>
    /// For each unit two rows over the six scales: the model's answer to do(scale = k), its posY
    /// recomputed from the unit's noise, and the generator's rendering of the factors it sampled.
    /// </summary>
    public static void WriteScaleSweeps(string path, CausalVaeNetworks networks, Tensor factors)
    {
        using var scope = NewDisposeScope();
        int n = (int)factors.shape[0];
        int scales = SpriteGrid.Sizes[1];
        var batch = CausalVaeBatch.Of(factors, networks);
        var answers = Enumerable.Range(0, scales)
            .Select(k => CausalVaeQueries.Counterfactual(batch, new Dictionary<string, Intervention> { ["scale"] = full([n], k, dtype: ScalarType.Int64, device: factors.device) }))
            .ToArray();
        var model = stack(answers.Select(a => a.Probs).ToArray(), 1);
        var truth = stack(answers.Select(a => CausalVaeBatch.ImagesOf(a.Factors).to(ScalarType.Float32)).ToArray(), 1);
        ImageGrid.WritePng(path, stack([model, truth], 1).cpu().view(-1, Side, Side), columns: scales);
    }
}
