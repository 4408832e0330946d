using Ppl.Data;
using Ppl.Inference;
using Ppl.Inference.Optim;
using Ppl.Params;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Causal.IndependentMechanisms;

/// <summary>Training and routing.</summary>
public static partial class CompetingExperts
{
    /// <summary>
    /// Trains <paramref name="experts"/> and <paramref name="discriminator"/> in place. First every
    /// expert learns to approximate the identity on <paramref name="transformed"/>
    /// (<see cref="CompetingExpertsOptions.IdentitySteps"/> minibatches of <see cref="IdentityProgram"/>;
    /// the paper found it essential). Then each iteration draws a minibatch of transformed and one of
    /// <paramref name="canonical"/> examples, imputes each example's mechanism index as the expert whose
    /// output the discriminator scores highest (E-step; the experts run in training mode, but their batch-normalization running statistics,
    /// which <see cref="Route"/> uses, are left to the examples each expert wins), takes an Adam step of <see cref="ExpertProgram"/>
    /// for the winners (M-step) and one of <see cref="DiscriminatorProgram"/> on the canonical batch and
    /// every expert's outputs. Minibatches are epochs of shuffled rows (<see cref="MiniBatches"/>, seeded
    /// by <paramref name="seed"/>). Returns a record before the first iteration and every
    /// <see cref="CompetingExpertsOptions.RecordEvery"/> iterations (and after the last), each also
    /// given to <paramref name="progress"/> on the training thread.
    /// </summary>
    /// <exception cref="ArgumentException">No expert, fewer rows than a minibatch, or the two data sets' example shapes differ.</exception>
    public static IReadOnlyList<CompetingExpertsRecord> Fit(
        IReadOnlyList<nn.Module<Tensor, Tensor>> experts,
        nn.Module<Tensor, Tensor> discriminator,
        Tensor transformed,
        Tensor canonical,
        CompetingExpertsOptions? options = null,
        int seed = 0,
        IProgress<CompetingExpertsRecord>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(experts);
        ArgumentNullException.ThrowIfNull(discriminator);
        ArgumentNullException.ThrowIfNull(transformed);
        ArgumentNullException.ThrowIfNull(canonical);
        options ??= new CompetingExpertsOptions();
        options.Validate();
        CheckData(experts, transformed, canonical, options);

        for (int e = 0; e < experts.Count; e++)
        {
            PretrainIdentity(experts[e], transformed, options, seed + e + 1);
        }

        var records = new List<CompetingExpertsRecord>();
        Report(new CompetingExpertsRecord(0, new int[experts.Count], double.NaN, double.NaN));
        using var expertStore = new ParamStore();
        using var expertAdam = new Adam(options.ExpertLearningRate);
        var expertSvi = new Svi<ExpertCompetitionBatch>(ExpertProgram, _ => { }, expertAdam, new TraceElbo(), expertStore);
        using var discriminatorStore = new ParamStore();
        using var discriminatorAdam = new Adam(options.DiscriminatorLearningRate);
        var discriminatorSvi = new Svi<DiscriminatorBatch>(DiscriminatorProgram, _ => { }, discriminatorAdam, new TraceElbo(), discriminatorStore);
        using var transformedBatches = Endless(new MiniBatches(transformed.shape[0], options.BatchSize, dropLast: true, seed: seed)).GetEnumerator();
        using var canonicalBatches = Endless(new MiniBatches(canonical.shape[0], options.BatchSize, dropLast: true, seed: seed + experts.Count + 1)).GetEnumerator();
        for (int iteration = 1; iteration <= options.Iterations; iteration++)
        {
            using var scope = NewDisposeScope();
            transformedBatches.MoveNext();
            canonicalBatches.MoveNext();
            var inputs = transformedBatches.Current.Select(transformed);
            Tensor outputs, logScores;
            using (new BufferSnapshot(experts))
            {
                (outputs, logScores) = Compete(experts, discriminator, inputs);
            }

            var winners = logScores.argmax(0);
            var winnerScores = logScores.gather(0, winners.unsqueeze(0));
            bool record = iteration % options.RecordEvery == 0 || iteration == options.Iterations;
            expertSvi.Step(new ExpertCompetitionBatch(experts, discriminator, inputs, winners));
            double discriminatorLoss = discriminatorSvi.Step(new DiscriminatorBatch(discriminator, canonicalBatches.Current.Select(canonical), outputs));
            if (record)
            {
                var wins = bincount(winners, minlength: experts.Count).cpu().data<long>().Select(w => (int)w).ToArray();
                Report(new CompetingExpertsRecord(iteration, wins, -winnerScores.mean().to_type(ScalarType.Float64).item<double>(), discriminatorLoss));
            }
        }

        return records;

        void Report(CompetingExpertsRecord value)
        {
            records.Add(value);
            progress?.Report(value);
        }
    }

    /// <summary>
    /// Trains <paramref name="expert"/> towards the identity on rows of <paramref name="inputs"/>:
    /// <see cref="CompetingExpertsOptions.IdentitySteps"/> Adam steps of <see cref="IdentityProgram"/> on
    /// minibatches drawn from <paramref name="seed"/>. Returns the mean squared error on the last minibatch
    /// (NaN when there were no steps).
    /// </summary>
    /// <exception cref="ArgumentException">Fewer rows than a minibatch, or the expert changes the shape.</exception>
    public static double PretrainIdentity(nn.Module<Tensor, Tensor> expert, Tensor inputs, CompetingExpertsOptions? options = null, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(expert);
        ArgumentNullException.ThrowIfNull(inputs);
        options ??= new CompetingExpertsOptions();
        options.Validate();
        CheckRows(inputs, options.BatchSize, nameof(inputs));
        using var store = new ParamStore();
        using var adam = new Adam(options.ExpertLearningRate);
        var svi = new Svi<IdentityBatch>(IdentityProgram, _ => { }, adam, new TraceElbo(), store);
        double loss = double.NaN;
        using var batches = Endless(new MiniBatches(inputs.shape[0], options.BatchSize, dropLast: true, seed: seed)).GetEnumerator();
        for (int step = 0; step < options.IdentitySteps; step++)
        {
            using var scope = NewDisposeScope();
            batches.MoveNext();
            var batch = batches.Current.Select(inputs);
            svi.Step(new IdentityBatch(expert, batch));
            if (step == options.IdentitySteps - 1)
            {
                using var noGrad = no_grad();
                loss = expert.forward(batch).sub(batch).square().mean().to_type(ScalarType.Float64).item<double>();
            }
        }

        return loss;
    }

    /// <summary>
    /// The E-step on new data: every expert maps every example of <paramref name="inputs"/> (in chunks of
    /// <paramref name="chunk"/>, experts in evaluation mode, so batch normalization uses its running
    /// statistics), the discriminator scores the outputs, and each example goes to the highest-scoring
    /// expert, the MAP mechanism index under the uniform prior.
    /// </summary>
    /// <remarks>
    /// The default chunk is small on purpose: libtorch's CPU buffers come from the C allocator, which maps
    /// large ones fresh from the operating system on every call and returns them on release, so each of
    /// their pages faults again. For 32 × 32 images and 32-channel experts, chunks of 256 or more took 11 to 13
    /// times as long as chunks of 64, nearly all of it in page faults (<c>benchmarks</c>, mode <c>route</c>).
    /// </remarks>
    /// <exception cref="ArgumentException">No expert, or an expert or the discriminator gives the wrong shape.</exception>
    public static ExpertRouting Route(IReadOnlyList<nn.Module<Tensor, Tensor>> experts, nn.Module<Tensor, Tensor> discriminator, Tensor inputs, int chunk = 64)
    {
        ArgumentNullException.ThrowIfNull(experts);
        ArgumentNullException.ThrowIfNull(discriminator);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunk, 1);
        if (experts.Count == 0)
        {
            throw new ArgumentException("CompetingExperts.Route: at least one expert is needed.", nameof(experts));
        }

        using var evaluation = new EvaluationMode([.. experts, discriminator]);
        using var scope = NewDisposeScope();
        var winners = new List<Tensor>();
        var routed = new List<Tensor>();
        var scores = new List<Tensor>();
        for (long start = 0; start < inputs.shape[0]; start += chunk)
        {
            // each chunk's activations are freed before the next: a scope keeps everything made in it
            using var chunkScope = NewDisposeScope();
            var (outputs, logScores) = Compete(experts, discriminator, inputs.narrow(0, start, Math.Min(chunk, inputs.shape[0] - start)));
            var best = logScores.argmax(0);
            winners.Add(best.MoveToOuterDisposeScope());
            routed.Add(Pick(outputs, best).MoveToOuterDisposeScope());
            scores.Add(logScores.t().MoveToOuterDisposeScope());
        }

        var routing = new ExpertRouting(cat(winners, 0), cat(routed, 0), cat(scores, 0));
        routing.Winners.MoveToOuterDisposeScope();
        routing.Outputs.MoveToOuterDisposeScope();
        routing.LogScores.MoveToOuterDisposeScope();
        return routing;
    }

    private static (Tensor Outputs, Tensor LogScores) Compete(IReadOnlyList<nn.Module<Tensor, Tensor>> experts, nn.Module<Tensor, Tensor> discriminator, Tensor inputs)
    {
        using var noGrad = no_grad();
        var outputs = stack(experts.Select((expert, e) => Keep(() => Run(expert, e, inputs))).ToArray());
        var flat = outputs.reshape([outputs.shape[0] * outputs.shape[1], .. outputs.shape.Skip(2)]);
        var logScores = Keep(() => LogScore(discriminator, flat, "Route")).reshape(outputs.shape[0], outputs.shape[1]);
        return (outputs, logScores);
    }

    /// <summary>
    /// The result of <paramref name="network"/> with its intermediate activations freed at once: a dispose
    /// scope keeps everything made in it, and a network's activations on a large batch are many times its output.
    /// </summary>
    private static Tensor Keep(Func<Tensor> network)
    {
        using var scope = NewDisposeScope();
        return network().MoveToOuterDisposeScope();
    }

    /// <summary>Row i of expert winners[i]'s outputs.</summary>
    /// <remarks>A gather over the experts' dimension (index_select has no meta-device kernel in libtorch).</remarks>
    private static Tensor Pick(Tensor outputs, Tensor winners)
    {
        long[] shape = [1, .. outputs.shape.Skip(1)];
        long[] single = [1, outputs.shape[1], .. outputs.shape.Skip(2).Select(_ => 1L)];
        return outputs.gather(0, winners.reshape(single).expand(shape)).squeeze(0);
    }

    private static IEnumerable<MiniBatch> Endless(MiniBatches batches)
    {
        for (int epoch = 0; ; epoch++)
        {
            foreach (var batch in batches.Epoch(epoch))
            {
                yield return batch;
            }
        }
    }

    private static void CheckData(IReadOnlyList<nn.Module<Tensor, Tensor>> experts, Tensor transformed, Tensor canonical, CompetingExpertsOptions options)
    {
        if (experts.Count == 0)
        {
            throw new ArgumentException("CompetingExperts.Fit: at least one expert is needed (the paper uses as many as mechanisms, or more).", nameof(experts));
        }

        CheckRows(transformed, options.BatchSize, nameof(transformed));
        CheckRows(canonical, options.BatchSize, nameof(canonical));
        if (!transformed.shape.Skip(1).SequenceEqual(canonical.shape.Skip(1)))
        {
            throw new ArgumentException($"CompetingExperts.Fit: transformed and canonical examples must have one shape; got [{string.Join(", ", transformed.shape)}] and [{string.Join(", ", canonical.shape)}].", nameof(canonical));
        }
    }

    private static void CheckRows(Tensor data, int batchSize, string name)
    {
        if (data.dim() < 1 || data.shape[0] < batchSize)
        {
            throw new ArgumentException($"CompetingExperts: {name} must be [rows, …] with at least one minibatch ({batchSize}) of rows; got [{string.Join(", ", data.shape)}].", name);
        }
    }
}
