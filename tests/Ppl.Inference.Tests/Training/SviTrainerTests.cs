using System.Reactive.Linq;
using MathNet.Numerics.Distributions;
using Ppl.Data;
using Ppl.Inference;
using Ppl.Inference.Optim;
using Ppl.Inference.Training;
using Ppl.Testing;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Training;

/// <summary>
/// The training loop: per-row losses against closed forms (including a short last batch), a
/// resumed run identical to one that never stopped (also for a network's parameters), early
/// stopping and restoring the best epoch, the schedule's learning rate, cancellation, and no
/// tensors left behind.
/// </summary>
[Collection("Sequential")]
public sealed class SviTrainerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("ppl-trainer-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private sealed record Batch(MiniBatch Rows, Tensor X);

    private static readonly double[] TrainValues = [0.3, -1.2, 2.5, 0.9, 1.1, -0.4, 0.0, 3.1, 1.7, -2.2];
    private static readonly double[] TestValues = [1.0, 0.5, -0.5];

    /// <summary>x_i ~ N(μ, 1) with μ a model param: the −ELBO is −log-likelihood, with no randomness.</summary>
    private static Tensor MeanModel(Batch b)
    {
        var mu = Param("mu", () => tensor(0.25));
        using var rows = b.Rows.Plate("data");
        return Sample("x", new Ppl.Distributions.Normal(mu.expand(b.Rows.Count), 1.0), obs: b.Rows.Select(b.X));
    }

    private static object? NoGuide(Batch b) => null;

    private static double NegLogLikPerRow(double[] xs, double mu) => -xs.Average(x => MathNet.Numerics.Distributions.Normal.PDFLn(mu, 1, x));

    private static (Svi<Batch> Svi, SviTrainer<Batch> Trainer) MeanTrainer(Optimizer optimizer, int batchSize = 4)
    {
        var train = tensor(TrainValues).to(ScalarType.Float32);
        var test = tensor(TestValues).to(ScalarType.Float32);
        var svi = new Svi<Batch>(MeanModel, NoGuide, optimizer, new TraceElbo(), new Ppl.Params.ParamStore(), seed: 3);
        var trainer = new SviTrainer<Batch>(
            svi,
            new(new MiniBatches(TrainValues.Length, batchSize, seed: 5), r => new Batch(r, train)),
            new(new MiniBatches(TestValues.Length, 2, shuffle: false), r => new Batch(r, test)));
        return (svi, trainer);
    }

    [Fact]
    public void Losses_are_per_row_and_weight_a_short_last_batch_by_its_rows()
    {
        // learning rate 0: μ stays 0.25, so each epoch's loss is the data's exact −log-likelihood per
        // row although the 10 rows come as batches of 4, 4 and 2 (each scaled to the whole set)
        using var sgd = new Sgd(0.0);
        var (_, trainer) = MeanTrainer(sgd);
        var history = trainer.Fit(new TrainingOptions { Epochs = 2 });

        Assert.Equal(2, history.Epochs.Count);
        foreach (var epoch in history.Epochs)
        {
            Assert.Equal(NegLogLikPerRow(TrainValues, 0.25), epoch.TrainLoss, 5);
            Assert.Equal(NegLogLikPerRow(TestValues, 0.25), epoch.TestLoss!.Value, 5);
        }

        Assert.Equal([3L, 6L], history.Epochs.Select(e => e.Steps));
        Assert.False(history.StoppedEarly);
    }

    [Fact]
    public void A_run_reaches_the_maximum_likelihood_mean()
    {
        using var adam = new Adam(0.05);
        var (svi, trainer) = MeanTrainer(adam);
        var history = trainer.Fit(new TrainingOptions { Epochs = 150 });

        double mle = TrainValues.Average();
        Assert.Equal(mle, svi.ParamStore["mu"].ToDouble(), 2);
        Assert.Equal(NegLogLikPerRow(TrainValues, mle), history.Epochs[^1].TrainLoss, 2);
        Assert.True(history.Epochs[^1].TrainLoss < history.Epochs[0].TrainLoss);
    }

    [Fact]
    public void The_learning_rate_follows_the_optimizers_schedule_in_steps()
    {
        using var sgd = new Sgd(0.1) { Schedule = LearningRateSchedule.Step(stepSize: 3, gamma: 0.5) };
        var (_, trainer) = MeanTrainer(sgd);
        var history = trainer.Fit(new TrainingOptions { Epochs = 3 });

        // 3 batches per epoch: after epoch e the next step is 3(e + 1), so the rate is 0.1 · 0.5^(e+1)
        Assert.Equal([0.05, 0.025, 0.0125], history.Epochs.Select(e => e.LearningRate), new ToleranceComparer(1e-12));
    }

    [Fact]
    public void A_resumed_run_takes_the_same_steps_as_one_that_never_stopped()
    {
        string folder = Path.Combine(_root, "resume");
        double[] straight;
        {
            using var adam = new Adam(0.1);
            var (svi, trainer) = MeanTrainer(adam);
            straight = trainer.Fit(new TrainingOptions { Epochs = 5 }).Epochs.Select(e => e.TrainLoss).ToArray();
            straight = [.. straight, svi.ParamStore["mu"].ToDouble()];
        }

        {
            using var adam = new Adam(0.1);
            var (_, trainer) = MeanTrainer(adam);
            trainer.Fit(new TrainingOptions { Epochs = 2, CheckpointDirectory = folder });
        }

        using var adam2 = new Adam(0.1);
        var (resumedSvi, resumed) = MeanTrainer(adam2);
        var history = resumed.Fit(new TrainingOptions { Epochs = 5, CheckpointDirectory = folder, Resume = true });

        Assert.Equal([0, 1, 2, 3, 4], history.Epochs.Select(e => e.Epoch));
        Assert.Equal(straight, history.Epochs.Select(e => e.TrainLoss).Append(resumedSvi.ParamStore["mu"].ToDouble()).ToArray());
        Assert.Equal(15, resumedSvi.StepCount);
    }

    private sealed record NetBatch(MiniBatch Rows, Tensor X, Tensor Y, TorchSharp.Modules.Linear Net);

    /// <summary>y ~ N(net(x), 0.5) with a latent offset c ~ N(0, 1) guided by a Normal with learned loc and scale.</summary>
    private static Tensor NetModel(NetBatch b)
    {
        var net = Module("net", b.Net);
        var c = Sample("c", new Ppl.Distributions.Normal(0.0f, 1.0f));
        using var rows = b.Rows.Plate("data");
        return Sample("y", new Ppl.Distributions.Normal(net.forward(b.Rows.Select(b.X)).squeeze(-1).add(c), 0.5), obs: b.Rows.Select(b.Y));
    }

    private static Tensor NetGuide(NetBatch b)
    {
        var loc = Param("c_loc", () => tensor(0.0f));
        var scale = Param("c_scale", () => tensor(1.0f), Ppl.Distributions.Constraints.Positive);
        return Sample("c", new Ppl.Distributions.Normal(loc, scale));
    }

    private static (Svi<NetBatch> Svi, SviTrainer<NetBatch> Trainer, TorchSharp.Modules.Linear Net) NetTrainer(Adam adam)
    {
        var gen = new Generator(11, CPU);
        var x = randn([40, 3], generator: gen);
        var y = x.matmul(tensor(new[] { 1.0f, -1.0f, 0.5f })).add(randn([40], generator: gen).mul(0.5f));
        random.manual_seed(4);
        var net = TorchSharp.torch.nn.Linear(3, 1);
        var svi = new Svi<NetBatch>(NetModel, NetGuide, adam, new TraceElbo(), new Ppl.Params.ParamStore(), seed: 9);
        var trainer = new SviTrainer<NetBatch>(svi, new(new MiniBatches(40, 16, seed: 2), r => new NetBatch(r, x, y, net)));
        return (svi, trainer, net);
    }

    [Fact]
    public void A_resumed_run_restores_a_networks_weights_and_continues_identically()
    {
        string folder = Path.Combine(_root, "net");
        float[] straight;
        {
            using var adam = new Adam(0.05);
            var (_, trainer, net) = NetTrainer(adam);
            trainer.Fit(new TrainingOptions { Epochs = 6 });
            straight = net.weight!.data<float>().ToArray();
        }

        {
            using var adam = new Adam(0.05);
            var (_, trainer, _) = NetTrainer(adam);
            trainer.Fit(new TrainingOptions { Epochs = 3, CheckpointDirectory = folder });
        }

        using var adam2 = new Adam(0.05);
        var (svi, resumed, freshNet) = NetTrainer(adam2);
        resumed.Fit(new TrainingOptions { Epochs = 6, CheckpointDirectory = folder, Resume = true });

        Assert.Equal(straight, freshNet.weight!.data<float>().ToArray());
        Assert.Equal(18, svi.StepCount);
    }

    [Fact]
    public void Early_stopping_ends_after_patience_epochs_without_improvement()
    {
        // learning rate 0: the test loss never improves on the first epoch's
        using var sgd = new Sgd(0.0);
        var (_, trainer) = MeanTrainer(sgd);
        var history = trainer.Fit(new TrainingOptions { Epochs = 20, EarlyStopping = new EarlyStopping(Patience: 3) });

        Assert.Equal(4, history.Epochs.Count);
        Assert.True(history.StoppedEarly);
        Assert.Equal(0, history.Best!.Epoch);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Restoring_the_best_puts_back_the_parameters_of_the_best_epoch(bool withCheckpoints)
    {
        // SGD with too large a rate overshoots the mean further every step, so the first epoch is
        // the best and training stops two epochs later
        using var sgd = new Sgd(0.65);
        var (svi, trainer) = MeanTrainer(sgd, batchSize: 10);
        var muAfter = new List<double>();
        var options = new TrainingOptions
        {
            Epochs = 10,
            EarlyStopping = new EarlyStopping(Patience: 2, RestoreBest: true),
            CheckpointDirectory = withCheckpoints ? Path.Combine(_root, "best") : null,
        };
        var history = trainer.Fit(options, p =>
        {
            if (p.EpochEnd is not null)
            {
                muAfter.Add(svi.ParamStore["mu"].ToDouble());
            }
        });

        Assert.True(history.StoppedEarly);
        Assert.Equal(3, history.Epochs.Count);
        Assert.Equal(0, history.Best!.Epoch);
        Assert.True(Math.Abs(muAfter[2] - TrainValues.Average()) > Math.Abs(muAfter[0] - TrainValues.Average()));
        Assert.Equal(muAfter[0], svi.ParamStore["mu"].ToDouble());
    }

    [Fact]
    public void A_resumed_run_whose_history_ran_out_of_patience_trains_nothing_more()
    {
        string folder = Path.Combine(_root, "patience");
        var options = new TrainingOptions { Epochs = 20, EarlyStopping = new EarlyStopping(Patience: 2, RestoreBest: false), CheckpointDirectory = folder, Resume = true };
        {
            using var sgd = new Sgd(0.0);
            var (_, trainer) = MeanTrainer(sgd);
            Assert.Equal(3, trainer.Fit(options).Epochs.Count);
        }

        using var sgd2 = new Sgd(0.0);
        var (svi, resumed) = MeanTrainer(sgd2);
        var history = resumed.Fit(options);

        Assert.True(history.StoppedEarly);
        Assert.Equal(3, history.Epochs.Count);
        Assert.Equal(9, svi.StepCount);
    }

    [Fact]
    public void A_history_that_does_not_match_the_checkpoint_is_refused_by_name()
    {
        string folder = Path.Combine(_root, "mismatch");
        {
            using var sgd = new Sgd(0.1);
            var (_, trainer) = MeanTrainer(sgd);
            trainer.Fit(new TrainingOptions { Epochs = 2, CheckpointDirectory = folder });
        }

        string historyPath = Path.Combine(folder, TrainingHistory.FileName);
        File.WriteAllLines(historyPath, File.ReadAllLines(historyPath).Take(2));

        using var sgd2 = new Sgd(0.1);
        var (_, resumed) = MeanTrainer(sgd2);
        var error = Assert.Throws<InvalidDataException>(() => resumed.Fit(new TrainingOptions { Epochs = 4, CheckpointDirectory = folder, Resume = true }));
        Assert.Contains(historyPath, error.Message, StringComparison.Ordinal);
        Assert.Contains("step 6", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_stream_reports_every_step_and_stops_when_unsubscribed()
    {
        using var sgd = new Sgd(0.01);
        var (svi, trainer) = MeanTrainer(sgd);
        var seen = trainer.Run(new TrainingOptions { Epochs = 10 }).Take(7).ToList().Wait();

        Assert.Equal(7, seen.Count);
        Assert.Equal(7, svi.StepCount);
        Assert.Equal([0, 1, 2, 0, 1, 2, 0], seen.Select(p => p.Batch));
        Assert.NotNull(seen[2].EpochEnd);
        Assert.Null(seen[3].EpochEnd);
        Assert.Equal(2.0 + (1.0 / 3), seen[6].EpochsDone, 12);
        Assert.Single(trainer.History.Epochs, e => e.Epoch == 1);
    }

    [Fact]
    public void Cancelling_stops_before_the_next_step()
    {
        using var sgd = new Sgd(0.01);
        var (svi, trainer) = MeanTrainer(sgd);
        using var cancel = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => trainer.Fit(new TrainingOptions { Epochs = 10 }, p =>
        {
            if (p.Step == 5)
            {
                cancel.Cancel();
            }
        }, cancel.Token));
        Assert.Equal(5, svi.StepCount);
    }

    [Fact]
    public void Bad_options_are_refused_before_any_step()
    {
        using var sgd = new Sgd(0.01);
        var (svi, trainer) = MeanTrainer(sgd);
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(new TrainingOptions { Epochs = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(new TrainingOptions { EarlyStopping = new EarlyStopping(0) }));
        Assert.Throws<ArgumentOutOfRangeException>(() => trainer.Fit(new TrainingOptions { EarlyStopping = new EarlyStopping(2, MinDelta: double.NaN) }));
        Assert.Throws<ArgumentException>(() => trainer.Fit(new TrainingOptions { Resume = true }));
        Assert.Equal(0, svi.StepCount);
    }

    [Fact]
    public void Training_with_a_network_leaves_no_tensors_behind()
    {
        using var adam = new Adam(0.05);
        var (_, trainer, _) = NetTrainer(adam);
        var options = new TrainingOptions { Epochs = 2, EarlyStopping = new EarlyStopping(Patience: 5, RestoreBest: true) };
        trainer.Fit(options);
        long before = LiveTensors.Count();
        trainer.Fit(options with { Epochs = 4 });
        Assert.Equal(before, LiveTensors.Count());
    }

    private sealed class ToleranceComparer(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
