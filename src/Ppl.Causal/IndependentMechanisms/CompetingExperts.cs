using Ppl.Distributions;
using Ppl.Handlers;
using TorchSharp;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Causal.IndependentMechanisms;

/// <summary>
/// Learning independent causal mechanisms with competing experts (Parascandolo, Kilbertus,
/// Rojas-Carulla &amp; Schölkopf, ICML 2018) as Ppl programs. Each transformed example x came from a
/// canonical one through one of several unknown mechanisms; its mechanism index is a discrete latent
/// m ~ Categorical(1/E), and expert m inverts it. The likelihood of m is how canonical the expert's
/// output looks to a discriminator, D(E_m(x)). Training is hard EM: the E-step imputes the MAP index
/// per example (the expert whose output scores highest: <see cref="Route"/>), the M-step maximizes
/// log p(m̂) + log D(E_m̂(x)) over the winners' weights (<see cref="ExpertProgram"/>, conditioned on m̂),
/// and the discriminator learns canonical from expert outputs (<see cref="DiscriminatorProgram"/>).
/// </summary>
public static partial class CompetingExperts
{
    /// <summary>The plate of a minibatch of transformed examples.</summary>
    public const string ExamplesPlate = "examples";

    /// <summary>The observed (MAP-imputed) mechanism index of each example.</summary>
    public const string MechanismSite = "mechanism";

    /// <summary>The factor log D(E_m(x)) of each example.</summary>
    public const string ScoreSite = "score";

    /// <summary>The module site of the discriminator.</summary>
    public const string DiscriminatorSite = "discriminator";

    /// <summary>The observed "real" label of the canonical minibatch.</summary>
    public const string CanonicalSite = "canonical.real";

    /// <summary>The observed "real" label (0) of the experts' outputs.</summary>
    public const string ExpertOutputSite = "outputs.real";

    /// <summary>The observed reconstruction of <see cref="IdentityProgram"/>.</summary>
    public const string ReconstructionSite = "reconstruction";

    /// <summary>The module site of expert <paramref name="index"/>.</summary>
    public static string ExpertSite(int index) => $"expert{index}";

    /// <summary>
    /// The experts' M-step. Within the plate of the minibatch, each example's mechanism index is
    /// observed at its assignment under the uniform prior, and log D(E_m(x)) enters as a factor
    /// weighted 1 / (examples expert m won), so each expert's share of the loss is its mean −log D over
    /// the examples it won, as in the paper's per-expert updates. Only experts that won an example run,
    /// so only their weights take part; the discriminator's parameters are held fixed while it scores.
    /// </summary>
    /// <remarks>
    /// Which experts won is a decision about which networks run, so the program reads the win counts
    /// (experts integers) from the assignment's device once.
    /// </remarks>
    /// <exception cref="ArgumentException">The assignment is not [n] int64 in range, or an expert or the discriminator gives the wrong shape.</exception>
    public static void ExpertProgram(ExpertCompetitionBatch data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int count = data.Experts.Count;
        long n = CheckAssignment(data);
        var wins = data.Assignment.lt(0).any().item<bool>() ? null : bincount(data.Assignment, minlength: count);
        if (wins is null || wins.shape[0] != count)
        {
            throw new ArgumentException($"CompetingExperts.ExpertProgram: each example's expert must be between 0 and {count - 1}; the assignment holds {data.Assignment.min().item<long>()} … {data.Assignment.max().item<long>()}.", nameof(data));
        }

        var winsOnHost = wins.cpu().data<long>().ToArray();
        var active = Enumerable.Range(0, count).Where(e => winsOnHost[e] > 0).ToList();
        var position = new long[count];
        for (int i = 0; i < active.Count; i++)
        {
            position[active[i]] = i;
        }

        Tensor logScores;
        using (Frozen(data.Discriminator))
        {
            logScores = stack(active.Select(e => LogScore(data.Discriminator, Run(Module(ExpertSite(e), data.Experts[e]), e, data.Inputs), "ExpertProgram")).ToArray());
        }

        var row = tensor(position, device: data.Assignment.device).index_select(0, data.Assignment);
        var chosen = logScores.gather(0, row.unsqueeze(0)).squeeze(0);
        var weight = wins.index_select(0, data.Assignment).to_type(chosen.dtype).reciprocal();
        using (Plate(ExamplesPlate, n))
        {
            Sample(MechanismSite, Categorical.FromLogits(zeros(count, dtype: chosen.dtype, device: chosen.device)).Expand(n), obs: data.Assignment);
            Factor(ScoreSite, chosen.mul(weight));
        }
    }

    /// <summary>
    /// The discriminator's step: canonical examples are Bernoulli observations "real" = 1 and every
    /// expert's outputs "real" = 0, under the discriminator's logits; the first plate is scaled by
    /// 1 / m and the second by 1 / (experts · n), so the loss is the paper's mean binary cross-entropy on
    /// the canonical batch plus that on the outputs averaged over experts.
    /// </summary>
    /// <exception cref="ArgumentException">The outputs are not [experts, n, …] with the canonical examples' trailing shape, or the discriminator gives the wrong shape.</exception>
    public static void DiscriminatorProgram(DiscriminatorBatch data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var outputs = data.ExpertOutputs;
        if (outputs.dim() != data.Canonical.dim() + 1 || !outputs.shape.Skip(2).SequenceEqual(data.Canonical.shape.Skip(1)))
        {
            throw new ArgumentException($"CompetingExperts.DiscriminatorProgram: expert outputs must be [experts, n, …] with the canonical examples' trailing shape; got outputs [{string.Join(", ", outputs.shape)}] and canonical [{string.Join(", ", data.Canonical.shape)}].", nameof(data));
        }

        var discriminator = Module(DiscriminatorSite, data.Discriminator);
        long m = data.Canonical.shape[0];
        var real = Logits(discriminator, data.Canonical, "DiscriminatorProgram");
        using (new ScaleMessenger(1.0 / m).Install())
        using (Plate("canonical", m))
        {
            Sample(CanonicalSite, Bernoulli.FromLogits(real), obs: ones_like(real));
        }

        long produced = outputs.shape[0] * outputs.shape[1];
        var fake = Logits(discriminator, outputs.reshape([produced, .. outputs.shape.Skip(2)]), "DiscriminatorProgram");
        using (new ScaleMessenger(1.0 / produced).Install())
        using (Plate("outputs", produced))
        {
            Sample(ExpertOutputSite, Bernoulli.FromLogits(fake), obs: zeros_like(fake));
        }
    }

    /// <summary>
    /// The identity pretraining: the minibatch is observed as Normal(E(x), 1) around the expert's output,
    /// scaled by 1 / (n · values per example), so the loss is half the mean squared error plus a constant.
    /// </summary>
    /// <exception cref="ArgumentException">The expert's output does not have its input's shape.</exception>
    public static void IdentityProgram(IdentityBatch data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var inputs = data.Inputs;
        var output = Module(ExpertSite(0), data.Expert).forward(inputs);
        if (!output.shape.SequenceEqual(inputs.shape))
        {
            throw new ArgumentException($"CompetingExperts.IdentityProgram: an expert must map its input to the same shape; [{string.Join(", ", inputs.shape)}] gave [{string.Join(", ", output.shape)}].", nameof(data));
        }

        long n = inputs.shape[0];
        long values = inputs.numel() / Math.Max(1, n);
        using (new ScaleMessenger(1.0 / (n * values)).Install())
        using (Plate(ExamplesPlate, n))
        {
            Sample(ReconstructionSite, new Normal(output, 1.0).ToEvent((int)inputs.dim() - 1), obs: inputs);
        }
    }

    private static long CheckAssignment(ExpertCompetitionBatch data)
    {
        if (data.Experts.Count == 0)
        {
            throw new ArgumentException("CompetingExperts: at least one expert is needed (the paper uses as many as mechanisms, or more).", nameof(data));
        }

        long n = data.Inputs.shape[0];
        if (data.Assignment.dim() != 1 || data.Assignment.shape[0] != n || data.Assignment.dtype != ScalarType.Int64)
        {
            throw new ArgumentException($"CompetingExperts.ExpertProgram: the assignment must be [n] int64 with n = {n} examples; got [{string.Join(", ", data.Assignment.shape)}] {data.Assignment.dtype}.", nameof(data));
        }

        return n;
    }

    /// <summary>Runs expert <paramref name="index"/> and checks it maps [n, …] to the same shape.</summary>
    private static Tensor Run(nn.Module<Tensor, Tensor> expert, int index, Tensor inputs)
    {
        var output = expert.forward(inputs);
        if (output.shape.Length < 1 || output.shape[0] != inputs.shape[0])
        {
            throw new ArgumentException($"CompetingExperts: expert {index} must give one output per example; [{string.Join(", ", inputs.shape)}] gave [{string.Join(", ", output.shape)}].");
        }

        return output;
    }

    /// <summary>log D(x) = log σ(logit) = −softplus(−logit), [n].</summary>
    /// <remarks>Written with softplus, as Bernoulli's log-probability is: libtorch's logsigmoid has no meta-device kernel.</remarks>
    private static Tensor LogScore(nn.Module<Tensor, Tensor> discriminator, Tensor examples, string site) =>
        nn.functional.softplus(Logits(discriminator, examples, site).neg()).neg();

    private static Tensor Logits(nn.Module<Tensor, Tensor> discriminator, Tensor examples, string site) =>
        PerExampleLogits.Of(discriminator, examples, $"CompetingExperts.{site} (the discriminator)", $"[{string.Join(", ", examples.shape)}]");

    /// <summary>Holds <paramref name="module"/>'s parameters out of autograd until disposed (gradients still flow through it to its input).</summary>
    private static Restore Frozen(nn.Module module)
    {
        var parameters = module.parameters().Where(p => p.requires_grad).ToList();
        foreach (var parameter in parameters)
        {
            parameter.requires_grad = false;
        }

        return new Restore(parameters);
    }

    private sealed class Restore(List<TorchSharp.Modules.Parameter> parameters) : IDisposable
    {
        public void Dispose()
        {
            foreach (var parameter in parameters)
            {
                parameter.requires_grad = true;
            }
        }
    }
}
