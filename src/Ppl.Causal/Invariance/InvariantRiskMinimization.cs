using Ppl.Distributions;
using Ppl.Handlers;
using Ppl.Inference;
using Ppl.Inference.Optim;
using Ppl.Params;
using TorchSharp;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Causal.Invariance;

/// <summary>
/// Invariant Risk Minimization (IRMv1; Arjovsky, Bottou, Gulrajani &amp; Lopez-Paz 2019) as a Ppl
/// program: a network gives each example a logit, each training environment's labels are Bernoulli
/// observations in its own plate, and the invariance penalty and the L2 penalty enter as
/// <c>Factor</c>s. Fitting is a point estimate of the network's weights: SVI with an empty guide,
/// whose loss is the negative log joint, i.e. the authors' objective
/// mean_e R_e + l2 Σ‖θ‖² + λ mean_e P_e (divided by λ when λ &gt; 1).
/// </summary>
public static class InvariantRiskMinimization
{
    /// <summary>The module site of the network.</summary>
    public const string NetworkSite = "representation";

    /// <summary>The factor site of the L2 penalty.</summary>
    public const string L2Site = "l2";

    /// <summary>The observed site of an environment's labels.</summary>
    public static string LabelsSite(TrainingEnvironment environment) => $"{environment?.Name}.y";

    /// <summary>The factor site of an environment's invariance penalty.</summary>
    public static string PenaltySite(TrainingEnvironment environment) => $"{environment?.Name}.penalty";

    /// <summary>
    /// The program. Each environment's log-likelihood is scaled by 1 / (n_e · E · max(1, λ)), so it is the
    /// negative of its mean risk's share; the penalty <see cref="InvariancePenalty.Irmv1"/> of the logistic
    /// risk, weighted λ / (E · max(1, λ)), is a factor (left out when λ = 0, as it then adds nothing).
    /// </summary>
    /// <exception cref="ArgumentException">The network's output is not one logit per example.</exception>
    public static void Program(IrmData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var network = Module(NetworkSite, data.Network);
        double divisor = Math.Max(1.0, data.PenaltyWeight);
        int count = data.Environments.Count;
        foreach (var environment in data.Environments)
        {
            var logits = Logits(network, environment);
            using (new ScaleMessenger(1.0 / (environment.Count * count * divisor)).Install())
            using (Plate(environment.Name, environment.Count))
            {
                Sample(LabelsSite(environment), Bernoulli.FromLogits(logits), obs: environment.Labels);
            }

            if (data.PenaltyWeight > 0)
            {
                var penalty = InvariancePenalty.Irmv1(logits, scaled => InvariancePenalty.LogisticRisk(scaled, environment.Labels));
                Factor(PenaltySite(environment), penalty.mul(-data.PenaltyWeight / (count * divisor)));
            }
        }

        if (data.L2 > 0)
        {
            Factor(L2Site, SquaredNorm(network).mul(-data.L2 / divisor));
        }
    }

    /// <summary>
    /// Trains <paramref name="network"/> in place on <paramref name="training"/> by full-batch Adam on
    /// <see cref="Program"/>'s negative log joint; returns the metrics at every
    /// <see cref="IrmOptions.RecordEvery"/>-th step and the last, each measured before that step's update,
    /// with the accuracies on <paramref name="evaluation"/> (and tells <paramref name="progress"/> each).
    /// </summary>
    /// <exception cref="ArgumentException">No training environment, two environments of one name, or an environment's shapes are wrong.</exception>
    public static IReadOnlyList<IrmRecord> Fit(
        nn.Module<Tensor, Tensor> network,
        IReadOnlyList<TrainingEnvironment> training,
        IReadOnlyList<TrainingEnvironment> evaluation,
        IrmOptions? options = null,
        IProgress<IrmRecord>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(evaluation);
        options ??= new IrmOptions();
        options.Validate();
        Validate(training, evaluation);

        using var store = new ParamStore();
        using var adam = new Adam(options.LearningRate);
        var svi = new Svi<IrmData>(Program, _ => { }, adam, new TraceElbo(), store);
        var records = new List<IrmRecord>();
        for (int step = 0; step < options.Steps; step++)
        {
            using var scope = NewDisposeScope();
            double weight = options.PenaltyWeightAt(step);
            if (step % options.RecordEvery == 0 || step == options.Steps - 1)
            {
                var record = Measure(network, training, evaluation, step, weight);
                records.Add(record);
                progress?.Report(record);
            }

            svi.Step(new IrmData(network, training, options.L2, weight));
        }

        return records;
    }

    /// <summary>The fraction of examples whose label is 1 exactly when the logit is positive.</summary>
    private static double Accuracy(Tensor logits, Tensor labels) =>
        logits.gt(0).to_type(labels.dtype).eq(labels).to_type(ScalarType.Float64).mean().item<double>();

    private static IrmRecord Measure(nn.Module<Tensor, Tensor> network, IReadOnlyList<TrainingEnvironment> training, IReadOnlyList<TrainingEnvironment> evaluation, int step, double weight)
    {
        using var noGrad = no_grad();
        double risk = 0, accuracy = 0, penalty = 0;
        foreach (var environment in training)
        {
            var logits = Logits(network, environment);
            risk += InvariancePenalty.LogisticRisk(logits, environment.Labels).to_type(ScalarType.Float64).item<double>() / training.Count;
            accuracy += Accuracy(logits, environment.Labels) / training.Count;
            penalty += InvariancePenalty.LogisticIrmv1(logits, environment.Labels).to_type(ScalarType.Float64).item<double>() / training.Count;
        }

        var accuracies = evaluation.Select(e => Accuracy(Logits(network, e), e.Labels)).ToList();
        return new IrmRecord(step, risk, accuracy, penalty, weight, accuracies);
    }

    private static Tensor Logits(nn.Module<Tensor, Tensor> network, TrainingEnvironment environment) =>
        PerExampleLogits.Of(network, environment.Inputs, "InvariantRiskMinimization", $"environment '{environment.Name}' ({environment.Count} examples)");

    private static Tensor SquaredNorm(nn.Module<Tensor, Tensor> network)
    {
        Tensor? total = null;
        foreach (var parameter in network.parameters())
        {
            var term = parameter.square().sum();
            total = total is null ? term : total.add(term);
        }

        return total ?? throw new ArgumentException("InvariantRiskMinimization: the network has no parameters to penalize; set IrmOptions.L2 to 0 or give it some.");
    }

    private static void Validate(IReadOnlyList<TrainingEnvironment> training, IReadOnlyList<TrainingEnvironment> evaluation)
    {
        if (training.Count == 0)
        {
            throw new ArgumentException("InvariantRiskMinimization.Fit needs at least one training environment (two or more for the penalty to mean anything).", nameof(training));
        }

        foreach (var environment in training.Concat(evaluation))
        {
            environment.Validate();
        }

        var duplicate = training.GroupBy(e => e.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"InvariantRiskMinimization.Fit: two training environments are named '{duplicate.Key}'; each names its own plate and sites.", nameof(training));
        }
    }
}
