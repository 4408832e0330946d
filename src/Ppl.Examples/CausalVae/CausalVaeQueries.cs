using Ppl.Causal;
using Ppl.Handlers;
using static TorchSharp.torch;

namespace Ppl.Examples.CausalVae;

/// <summary>
/// What the trained causal VAE answers, each as a run of <see cref="CausalVaeProgram.Model"/> under
/// handlers: reconstructions (z from the encoder), labels-only decodes (z = 0), counterfactuals
/// (abduction, action, prediction in twin worlds), and the two baselines a counterfactual must
/// beat — the shape-only edit and the interventional sample. Run them with the trained parameters'
/// store active; they compute no gradients.
/// </summary>
internal static class CausalVaeQueries
{
    /// <summary>The twin worlds' dim: left of the data plate (dim −1).</summary>
    private const int WorldDim = -2;

    /// <summary>The encoder's mean of z given each unit's image and labels: the abducted style, [n, latent].</summary>
    public static Tensor StyleMeans(CausalVaeBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var images = batch.Images ?? throw new ArgumentException("CausalVaeQueries.StyleMeans: the batch has no images to encode.", nameof(batch));
        using var noGrad = no_grad();
        return batch.Networks.Encoder.forward(images, batch.Labels()).Loc;
    }

    /// <summary>The model's pixel probabilities [n, 4096] with z fixed at <paramref name="z"/> [n, latent] and every label observed.</summary>
    public static Tensor Decode(CausalVaeBatch batch, Tensor z)
    {
        ArgumentNullException.ThrowIfNull(batch);
        Func<CausalVaeBatch, object?> model = CausalVaeProgram.Model;
        using var noGrad = no_grad();
        var trace = model.Condition(new Dictionary<string, Tensor> { ["z"] = z }).GetTrace(batch);
        return trace["image_probs"].Value!;
    }

    /// <summary>Reconstructions: the decode with z at the encoder's mean.</summary>
    public static Tensor Reconstruct(CausalVaeBatch batch) => Decode(batch, StyleMeans(batch));

    /// <summary>The labels-only decode: z = 0, the prior's mean, so the image comes from the labels alone.</summary>
    public static Tensor DecodeLabelsOnly(CausalVaeBatch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return Decode(batch, zeros(batch.Count, batch.Networks.Latent, device: batch.Networks.Device));
    }

    /// <summary>
    /// The counterfactual query "had <paramref name="actions"/> held, what would each unit have looked
    /// like?": evidence = the unit's labels and image (observed in the program) and z at the encoder's
    /// mean; the label mechanisms' Gumbel noise is drawn from its exact posterior given the factual
    /// labels, the children of the intervened factors are recomputed from that noise, and the image is
    /// decoded with the same z (<see cref="TwinWorldCounterfactual"/>).
    /// </summary>
    public static CounterfactualImages Counterfactual(CausalVaeBatch batch, IReadOnlyDictionary<string, Intervention> actions)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(actions);
        var evidence = new Dictionary<string, Tensor> { ["z"] = StyleMeans(batch) };
        Func<CausalVaeBatch, object?> model = CausalVaeProgram.Model;
        var twin = new TwinWorldCounterfactual(WorldDim);
        Trace trace;
        using (no_grad())
        using (twin.Install())
        {
            trace = model.Condition(evidence).Intervene(actions).GetTrace(batch);
        }

        long n = batch.Count;
        Tensor Factors(Func<Tensor, Tensor> world) =>
            stack(SpriteGrid.Names.Select(name => world(trace[name].Value!).expand(1, n).reshape(n)).ToArray(), 1);
        var probs = trace["image_probs"].Value!;
        return new CounterfactualImages(
            Factors(v => twin.FactualOf(v)),
            twin.FactualOf(probs, eventDim: 1).expand(1, n, CausalVaeNetworks.Pixels).reshape(n, CausalVaeNetworks.Pixels),
            Factors(v => twin.CounterfactualOf(v)),
            twin.CounterfactualOf(probs, eventDim: 1).expand(1, n, CausalVaeNetworks.Pixels).reshape(n, CausalVaeNetworks.Pixels));
    }

    /// <summary>
    /// The shape-only edit baseline: the decode with z at the encoder's mean and the shape set to
    /// <paramref name="shape"/> [n], every other label left at its factual value (no mechanism recomputed).
    /// </summary>
    public static Tensor ShapeOnlyEdit(CausalVaeBatch batch, Tensor shape)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(shape);
        return Decode(batch.WithShape(shape), StyleMeans(batch));
    }

    /// <summary>
    /// The interventional baseline: a fresh unit of the intervened model, do(<paramref name="actions"/>),
    /// every other label and z drawn anew from their mechanisms and prior (no evidence), its image decoded.
    /// Returns the sampled factors [n, 5] and pixel probabilities [n, 4096].
    /// </summary>
    public static (Tensor Factors, Tensor Probs) InterventionalSample(CausalVaeNetworks networks, int count, IReadOnlyDictionary<string, Intervention> actions, long seed)
    {
        ArgumentNullException.ThrowIfNull(networks);
        Func<CausalVaeBatch, object?> model = CausalVaeProgram.Model;
        Trace trace;
        using (no_grad())
        using (new SeedMessenger(seed).Install())
        {
            trace = model.Intervene(actions).GetTrace(CausalVaeBatch.Unobserved(count, networks));
        }

        return (stack(SpriteGrid.Names.Select(name => trace[name].Value!).ToArray(), 1), trace["image_probs"].Value!);
    }
}
