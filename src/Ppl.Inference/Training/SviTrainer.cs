using System.Diagnostics;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using Ppl.Data;
using static TorchSharp.torch;

namespace Ppl.Inference.Training;

/// <summary>
/// The training loop of a deep model: SVI over minibatches for a number of epochs, with the
/// test set's −ELBO after every epoch, early stopping, and a checkpoint per epoch that a later
/// run resumes from exactly. Losses are reported per data row (see <see cref="EpochSummary"/>),
/// which needs the model to open the batch's scaled plate (<see cref="MiniBatch.Plate"/>).
/// The learning-rate schedule is the optimizer's own (<see cref="Optim.Optimizer.Schedule"/>,
/// counted in steps; an epoch is <see cref="MiniBatches.BatchesPerEpoch"/> steps).
/// </summary>
/// <example><code>
/// var trainer = new SviTrainer&lt;Batch&gt;(svi, new(trainBatches, b =&gt; new Batch(b, train)), new(testBatches, b =&gt; new Batch(b, test)));
/// var history = trainer.Fit(new TrainingOptions { Epochs = 30, EarlyStopping = new(Patience: 3), CheckpointDirectory = "vae", Resume = true });
/// </code></example>
/// <typeparam name="TArgs">The programs' argument.</typeparam>
public sealed class SviTrainer<TArgs>
{
    private const string BestParamsFile = "best-params.bin";

    // the best epoch's parameters when there is no checkpoint folder to keep them in
    private Dictionary<string, Tensor>? _best;

    /// <summary>A trainer that steps <paramref name="svi"/> over <paramref name="train"/> and evaluates on <paramref name="test"/>.</summary>
    /// <param name="svi">The SVI object (its seed, optimizer and param store are used as they are).</param>
    /// <param name="train">The training batches; every epoch steps once per batch.</param>
    /// <param name="test">Batches on which the −ELBO is evaluated after every epoch (no gradients); null for none.</param>
    public SviTrainer(Svi<TArgs> svi, BatchedData<TArgs> train, BatchedData<TArgs>? test = null)
    {
        ArgumentNullException.ThrowIfNull(svi);
        ArgumentNullException.ThrowIfNull(train);
        (Svi, Train, Test) = (svi, train, test);
    }

    /// <summary>The SVI object being trained.</summary>
    public Svi<TArgs> Svi { get; }

    /// <summary>The training data.</summary>
    public BatchedData<TArgs> Train { get; }

    /// <summary>The test data; null when there is none.</summary>
    public BatchedData<TArgs>? Test { get; }

    /// <summary>The history of the latest run (so far, while it runs); empty before the first.</summary>
    public TrainingHistory History { get; private set; } = new([]);

    /// <summary>Runs the training to its end (or early stop) and returns its history.</summary>
    /// <param name="options">Epochs, early stopping, checkpointing.</param>
    /// <param name="progress">Receives every step (e.g. a progress bar); null for none.</param>
    /// <param name="cancellationToken">Checked before every step.</param>
    /// <exception cref="OperationCanceledException">The token was cancelled; the last checkpoint (if any) is the end of the last finished epoch.</exception>
    public TrainingHistory Fit(TrainingOptions options, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Fit(options, step => progress?.Report(step), cancellationToken);

    /// <summary>Runs the training as <see cref="Fit(TrainingOptions, IProgress{TrainingProgress}?, CancellationToken)"/>, calling <paramref name="onStep"/> after every step on the training thread.</summary>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    public TrainingHistory Fit(TrainingOptions options, Action<TrainingProgress> onStep, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(onStep);
        foreach (var step in Steps(options, cancellationToken))
        {
            onStep(step);
        }

        return History;
    }

    /// <summary>
    /// A cold stream of the run's steps: each subscription runs the training on the subscribing
    /// thread, one <see cref="TrainingProgress"/> per step. Unsubscribing (e.g. <c>TakeWhile</c>)
    /// stops it before the next step; <see cref="History"/> holds what was done.
    /// </summary>
    public IObservable<TrainingProgress> Run(TrainingOptions options, CancellationToken cancellationToken = default) =>
        Observable.Defer(() => Steps(options, cancellationToken).ToObservable(Scheduler.CurrentThread));

    /// <summary>The test set's −ELBO per row at the current parameters (no gradients).</summary>
    /// <exception cref="InvalidOperationException">The trainer has no test set.</exception>
    public double TestLoss() => Test is null
        ? throw new InvalidOperationException("SviTrainer: no test set was given.")
        : Evaluate(Test);

    private IEnumerable<TrainingProgress> Steps(TrainingOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var history = Resume(options);
        History = history;
        var watch = new ImprovementWatch(options.EarlyStopping, history.Epochs);
        // a resumed run whose history already ran out of patience has nothing left to train
        history.StoppedEarly = watch.ShouldStop;
        var batches = Train.Batches;
        int perEpoch = checked((int)batches.BatchesPerEpoch);
        int first = history.Epochs.Count == 0 ? 0 : history.Epochs[^1].Epoch + 1;
        for (int epoch = first; epoch < options.Epochs && !history.StoppedEarly; epoch++)
        {
            var clock = Stopwatch.StartNew();
            double epochLoss = 0;
            int number = 0;
            foreach (var batch in batches.Epoch(epoch))
            {
                cancellationToken.ThrowIfCancellationRequested();
                double loss = StepPerRow(batch);
                epochLoss += loss * batch.Count / batches.Size;
                if (++number < perEpoch)
                {
                    yield return new TrainingProgress(epoch, number - 1, perEpoch, Svi.StepCount, loss, null, false);
                    continue;
                }

                double? testLoss = Test is null ? null : Evaluate(Test);
                var summary = new EpochSummary(epoch, Svi.StepCount, epochLoss, testLoss, Svi.Optimizer.CurrentLearningRate(), clock.Elapsed.TotalSeconds);
                history.Add(summary);
                bool improved = watch.Add(summary);
                if (improved && options.EarlyStopping is { RestoreBest: true })
                {
                    SnapshotBest(options.CheckpointDirectory);
                }

                Checkpoint(options, history);
                bool stopping = watch.ShouldStop && epoch + 1 < options.Epochs;
                history.StoppedEarly = stopping;
                yield return new TrainingProgress(epoch, number - 1, perEpoch, Svi.StepCount, loss, summary, stopping);
            }
        }

        if (options.EarlyStopping is { RestoreBest: true } && history.Epochs.Count > 0)
        {
            RestoreBest(options.CheckpointDirectory);
        }
    }

    /// <summary>One SVI step on <paramref name="batch"/>, inside its own dispose scope; the loss per row.</summary>
    private double StepPerRow(MiniBatch batch)
    {
        using var scope = NewDisposeScope();
        return Svi.Step(Train.Arguments(batch)) / Train.Batches.Size;
    }

    /// <summary>The −ELBO per row of <paramref name="data"/>: every batch's full-data estimate weighted by its share of the rows.</summary>
    private double Evaluate(BatchedData<TArgs> data)
    {
        double total = 0;
        foreach (var batch in data.Batches.Epoch(0))
        {
            using var scope = NewDisposeScope();
            total += Svi.Evaluate(data.Arguments(batch)) * batch.Count / data.Batches.Size;
        }

        return total / data.Batches.Size;
    }

    /// <summary>The history to continue: the checkpoint's (loaded into the SVI object) when resuming from one, else empty.</summary>
    private TrainingHistory Resume(TrainingOptions options)
    {
        if (!options.Resume || !File.Exists(Path.Combine(options.CheckpointDirectory!, Checkpoints.CheckpointManifest.FileName)))
        {
            return new TrainingHistory([]);
        }

        string folder = options.CheckpointDirectory!;
        string historyPath = Path.Combine(folder, TrainingHistory.FileName);
        var saved = TrainingHistory.Read(historyPath);
        Svi.LoadCheckpoint(folder, options.Device);

        // the history is written before the checkpoint: a crash between them leaves a row the
        // checkpoint does not have, which is dropped here
        int last = saved.Epochs.ToList().FindIndex(e => e.Steps == Svi.StepCount);
        if (last < 0)
        {
            throw new InvalidDataException(
                $"{historyPath}: no epoch ends at the checkpoint's step {Svi.StepCount}; the history and the checkpoint in {folder} do not belong together.");
        }

        return new TrainingHistory(saved.Epochs.Take(last + 1));
    }

    private void Checkpoint(TrainingOptions options, TrainingHistory history)
    {
        if (options.CheckpointDirectory is not string folder)
        {
            return;
        }

        Directory.CreateDirectory(folder);
        history.Write(Path.Combine(folder, TrainingHistory.FileName));
        Svi.SaveCheckpoint(folder);
    }

    /// <summary>Keeps the current parameters as the best: in the checkpoint folder when there is one (so a resumed run has them), else in memory.</summary>
    private void SnapshotBest(string? folder)
    {
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
            Svi.ParamStore.Save(Path.Combine(folder, BestParamsFile));
            return;
        }

        DisposeBest();
        using (no_grad())
        {
            _best = Svi.ParamStore.Names.ToDictionary(n => n, n => Svi.ParamStore.GetUnconstrained(n).detach().clone().DetachFromDisposeScope(), StringComparer.Ordinal);
        }
    }

    private void RestoreBest(string? folder)
    {
        if (folder is not null)
        {
            string path = Path.Combine(folder, BestParamsFile);
            if (File.Exists(path))
            {
                Svi.ParamStore.Load(path);
            }

            return;
        }

        if (_best is null)
        {
            return;
        }

        using (no_grad())
        {
            foreach (var (name, value) in _best)
            {
                Svi.ParamStore.GetUnconstrained(name).copy_(value);
            }
        }

        DisposeBest();
    }

    private void DisposeBest()
    {
        foreach (var value in _best?.Values ?? Enumerable.Empty<Tensor>())
        {
            value.Dispose();
        }

        _best = null;
    }
}
