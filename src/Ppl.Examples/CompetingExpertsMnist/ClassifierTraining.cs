using Ppl.Data;
using Ppl.Distributions;
using Ppl.Examples.Data;
using Ppl.Inference;
using Ppl.Inference.Optim;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Examples.CompetingExpertsMnist;

/// <summary>
/// The evaluation classifier, trained once on the canonical half and cached: a Ppl program whose digits
/// are Categorical observations of the network's logits, fitted as a point estimate (SVI with an empty
/// guide) on minibatches.
/// </summary>
internal static class ClassifierTraining
{
    /// <summary>Passes over the canonical half.</summary>
    public const int Epochs = 6;

    private const int BatchSize = 128;

    /// <summary>Images per forward pass when evaluating: small, so the allocator reuses the activations' buffers (see <see cref="Ppl.Causal.IndependentMechanisms.CompetingExperts.Route"/>).</summary>
    private const int EvaluationChunk = 64;

    /// <summary>
    /// Loads the classifier cached under <paramref name="key"/> in the cache folder (next to MNIST's), or
    /// trains it on <paramref name="images"/> [n, 1, 32, 32] and <paramref name="digits"/> and caches it;
    /// <paramref name="cache"/> false trains without touching the disk (smoke runs).
    /// </summary>
    public static DigitClassifier LoadOrTrain(Tensor images, Tensor digits, string key, bool cache, TextWriter output)
    {
        var classifier = new DigitClassifier(seed: 0);
        string path = Path.Combine(Path.GetDirectoryName(MnistDownload.DefaultFolder)!, "models", $"competing-experts-classifier-{key}.bin");
        if (cache && File.Exists(path))
        {
            try
            {
                classifier.load(path);
                output.WriteLine($"Evaluation classifier: loaded from {path}");
                return classifier;
            }
            catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException)
            {
                output.WriteLine($"Evaluation classifier: {path} could not be read ({e.Message}); training it again.");
                classifier.Dispose();
                classifier = new DigitClassifier(seed: 0);
            }
        }

        long steps = Epochs * (images.shape[0] / BatchSize);
        ExampleProgress.Run(output, "Evaluation classifier", steps, progress =>
        {
            Train(classifier, images, digits, progress);
            return 0;
        });
        if (cache)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);

            // written beside and moved into place, so an interrupted run never leaves half a file
            string partial = path + ".partial";
            classifier.save(partial);
            File.Move(partial, path, overwrite: true);
            output.WriteLine($"Evaluation classifier: cached at {path}");
        }

        return classifier;
    }

    /// <summary>The fraction of <paramref name="images"/> whose most likely class is <paramref name="digits"/>'.</summary>
    public static double Accuracy(DigitClassifier classifier, Tensor images, Tensor digits)
    {
        using var scope = NewDisposeScope();
        return Correct(classifier, images, digits).to_type(ScalarType.Float64).mean().item<double>();
    }

    /// <summary>Whether the most likely class of each of <paramref name="images"/> is its digit, [n] bool.</summary>
    public static Tensor Correct(DigitClassifier classifier, Tensor images, Tensor digits)
    {
        using var noGrad = no_grad();
        classifier.eval();
        var chunks = new List<Tensor>();
        for (long start = 0; start < images.shape[0]; start += EvaluationChunk)
        {
            long count = Math.Min(EvaluationChunk, images.shape[0] - start);
            using var chunkScope = NewDisposeScope();
            chunks.Add(classifier.forward(images.narrow(0, start, count)).argmax(1).eq(digits.narrow(0, start, count)).MoveToOuterDisposeScope());
        }

        return cat(chunks, 0);
    }

    private static void Program((DigitClassifier Network, Tensor Images, Tensor Digits) data)
    {
        var network = Module("classifier", data.Network);
        var logits = network.forward(data.Images);
        using (Plate("images", data.Images.shape[0]))
        {
            Sample("digit", Categorical.FromLogits(logits), obs: data.Digits);
        }
    }

    private static void Train(DigitClassifier classifier, Tensor images, Tensor digits, ProgressSink progress)
    {
        classifier.train();
        using var store = new ParamStore();
        using var adam = new Adam(1e-3);
        var svi = new Svi<(DigitClassifier, Tensor, Tensor)>(Program, _ => { }, adam, new TraceElbo(), store);
        var batches = new MiniBatches(images.shape[0], BatchSize, dropLast: true, seed: 0);
        int step = 0;
        for (int epoch = 0; epoch < Epochs; epoch++)
        {
            foreach (var batch in batches.Epoch(epoch))
            {
                using var scope = NewDisposeScope();
                svi.Step((classifier, batch.Select(images), batch.Select(digits)));
                progress.Report(++step);
            }
        }
    }
}
