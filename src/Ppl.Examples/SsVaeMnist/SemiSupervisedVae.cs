using Ppl.Distributions;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Examples.SsVaeMnist;

/// <summary>
/// Kingma et al.'s (2014) M2 model for semi-supervised learning, p(y) p(z) p(x | y, z) with
/// y ~ Categorical(uniform over 10 digits), z ~ N(0, I) and a decoder network for the Bernoulli
/// pixels, and its guide q(y | x) q(z | x, y) (a classifier and an encoder network).
/// </summary>
/// <remarks>
/// <para>
/// Ppl has no enumeration of discrete sites yet (issue #27), so the sum over the unobserved digit
/// is written into the programs. For an unlabelled image the ELBO is
/// U(x) = Σ_y q(y | x) L(x, y) + H(q(· | x)), where L(x, y) = E_q(z|x,y)[log p(x | y, z) + log p(y) + log p(z) − log q(z | x, y)]
/// is the ELBO of the same image with y observed. Both programs open a plate of the ten digits
/// (dim −2, inside the data plate at dim −1) and run their y-dependent sites inside it under a
/// <see cref="ScaleMessenger"/> with the weights q(y | x), so the model's y, z and x terms and the
/// guide's z term of digit k are multiplied by q(k | x) and summed: the first part of U(x). The
/// entropy is the guide's factor E_q[log q(y | x)] = Σ_k q(k | x) log q(k | x), a term of log q that
/// the ELBO subtracts. Nothing about y is sampled, so the estimate is exact in y and
/// reparameterized in z: its gradient is unbiased, including the part through the weights (the
/// ELBO multiplies each site's log-density by its scale tensor inside the autograd graph). The
/// guide factor is declared <c>hasRSample: true</c> because it is a deterministic function of the
/// parameters (no draw, so no score-function term is due).
/// </para>
/// <para>
/// Labelled images go through the same code with the digit fixed: their weights are 1 and a mask
/// keeps only the observed digit's terms, which is L(x, y) with y an observed site; their guide
/// factor is masked out. They also get Kingma's auxiliary classification term
/// α · log q(y | x) (Pyro's <c>aux_loss</c>), written as a second observed site <c>y_aux</c> of
/// the model, Categorical(logits of the classifier), masked to the labelled rows and scaled by α.
/// Because the model needs q(y | x) for the weights, it runs the classifier too (the weights are a
/// quantity of the guide; each program computes them from the same parameters).
/// </para>
/// </remarks>
public sealed class SemiSupervisedVae : IDisposable
{
    /// <summary>The number of digits.</summary>
    public const int Classes = 10;

    // a scale tensor must be positive; a digit whose q(y | x) underflowed to 0 in float32 gets
    // this weight instead, which changes the ELBO by less than float32 can show
    private const float SmallestWeight = 1e-30f;

    /// <summary>Creates the three networks (under the current global seed).</summary>
    /// <param name="pixels">Pixels per image (784 for MNIST).</param>
    /// <param name="hidden">Hidden units of every network.</param>
    /// <param name="latent">Dimension of the style z.</param>
    /// <param name="auxWeight">α of the auxiliary classification term per labelled image; 0 for none.</param>
    public SemiSupervisedVae(int pixels, int hidden, int latent, double auxWeight)
    {
        if (!(auxWeight >= 0) || double.IsInfinity(auxWeight))
        {
            throw new ArgumentOutOfRangeException(nameof(auxWeight), auxWeight, "The auxiliary weight must be a finite number ≥ 0.");
        }

        (Pixels, Latent, AuxWeight) = (pixels, latent, auxWeight);
        Classifier = new DigitClassifier(pixels, hidden);
        Encoder = new StyleEncoder(pixels, hidden, latent);
        Decoder = new DigitDecoder(latent, hidden, pixels);
    }

    /// <summary>Pixels per image.</summary>
    public int Pixels { get; }

    /// <summary>Dimension of the style z.</summary>
    public int Latent { get; }

    /// <summary>α of the auxiliary classification term.</summary>
    public double AuxWeight { get; }

    /// <summary>q(y | x).</summary>
    public DigitClassifier Classifier { get; }

    /// <summary>q(z | x, y).</summary>
    public StyleEncoder Encoder { get; }

    /// <summary>p(x | y, z).</summary>
    public DigitDecoder Decoder { get; }

    /// <summary>The model p(y) p(z) p(x | y, z) over the batch, with the unobserved digits summed out (see the remarks).</summary>
    public void Model(M2Batch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var decoder = Module("decoder", Decoder);
        var classifier = Module("classifier", Classifier);
        var (x, digits, labelled) = Select(batch);
        long n = x.shape[0];
        using var rows = batch.Rows.Plate("data", dim: -1);
        var logits = classifier.forward(x);
        SumOverDigits(logits, digits, labelled, () =>
        {
            var every = arange(Classes, dtype: ScalarType.Int64, device: x.device).unsqueeze(1).expand(Classes, n);
            Sample("y", Categorical.FromLogits(zeros(Classes, dtype: x.dtype, device: x.device)).Expand(Classes, n), obs: every);
            var z = Sample("z", new Normal(zeros(Classes, n, Latent, dtype: x.dtype, device: x.device), 1.0).ToEvent(1));
            // gray levels scored by their Bernoulli cross-entropy, as Pyro's example does (validate_args=False)
            Sample("x", Bernoulli.FromLogits(decoder.forward(z, OneHotDigits(x.device))).ToEvent(1).Unvalidated(), obs: x.expand(Classes, n, x.shape[1]));
        });

        if (AuxWeight > 0)
        {
            using var known = new MaskMessenger(labelled).Install();
            using var alpha = new ScaleMessenger(AuxWeight).Install();
            Sample("y_aux", Categorical.FromLogits(logits), obs: digits);
        }
    }

    /// <summary>The guide q(y | x) q(z | x, y) over the batch, the digit summed out where it is not observed.</summary>
    public void Guide(M2Batch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var classifier = Module("classifier", Classifier);
        var encoder = Module("encoder", Encoder);
        var (x, digits, labelled) = Select(batch);
        using var rows = batch.Rows.Plate("data", dim: -1);
        var logits = classifier.forward(x);
        var logQ = nn.functional.log_softmax(logits, -1);
        // E_q[log q(y | x)] of the summed-out digit (the negative entropy), a term of log q; labelled rows have none
        Factor("y_unobserved", logQ.exp().mul(logQ).sum([-1L]).masked_fill(labelled, 0), hasRSample: true);
        SumOverDigits(logits, digits, labelled, () =>
        {
            var (loc, scale) = encoder.forward(x, OneHotDigits(x.device));
            Sample("z", new Normal(loc, scale).ToEvent(1));
        });
    }

    /// <summary>The fraction of <paramref name="pixels"/> whose most probable digit under q(y | x) is <paramref name="digits"/>.</summary>
    public double Accuracy(Tensor pixels, Tensor digits)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(digits);
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        long right = 0;
        long n = pixels.shape[0];
        for (long start = 0; start < n; start += 1000)
        {
            long end = Math.Min(n, start + 1000);
            var predicted = Classifier.forward(pixels.narrow(0, start, end - start)).argmax(-1);
            right += predicted.eq(digits.narrow(0, start, end - start)).sum().item<long>();
        }

        return (double)right / n;
    }

    /// <summary>
    /// The decoder's mean images for every digit (rows) and every style of <paramref name="styles"/>
    /// <c>[columns, latent]</c> (columns): shape <c>[10 · columns, pixels]</c>, row-major, values in [0, 1].
    /// </summary>
    public Tensor Render(Tensor styles)
    {
        ArgumentNullException.ThrowIfNull(styles);
        using var noGrad = no_grad();
        var means = Decoder.forward(styles.unsqueeze(0), OneHotDigits(styles.device)).sigmoid();
        return means.reshape(-1, Pixels);
    }

    /// <summary>
    /// The style of each image of <paramref name="pixels"/>: the mean of q(z | x, y) at the digit
    /// the classifier predicts, shape <c>[N, latent]</c>; Kingma's analogies decode it with every digit.
    /// </summary>
    public Tensor Styles(Tensor pixels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        using var noGrad = no_grad();
        var predicted = nn.functional.one_hot(Classifier.forward(pixels).argmax(-1), Classes).to(pixels.dtype);
        return Encoder.forward(pixels, predicted).Loc;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Classifier.Dispose();
        Encoder.Dispose();
        Decoder.Dispose();
    }

    private static (Tensor X, Tensor Digits, Tensor Labelled) Select(M2Batch batch) =>
        (batch.Rows.Select(batch.Data.Pixels), batch.Rows.Select(batch.Data.Digits), batch.Rows.Select(batch.Data.Labelled));

    /// <summary>Every digit one-hot, shaped <c>[10, 1, 10]</c> to broadcast over the digit plate (dim −2) and the rows.</summary>
    private static Tensor OneHotDigits(Device device) => eye(Classes, dtype: ScalarType.Float32, device: device).unsqueeze(1);

    /// <summary>
    /// Runs <paramref name="body"/> inside the digit plate (dim −2) with the weights of the sum
    /// over y: q(k | x) for unlabelled rows; for labelled rows weight 1 and a mask that keeps only
    /// the observed digit.
    /// </summary>
    private static void SumOverDigits(Tensor logits, Tensor digits, Tensor labelled, Action body)
    {
        var every = arange(Classes, dtype: ScalarType.Int64, device: logits.device).unsqueeze(1);
        var keep = labelled.logical_not().unsqueeze(0).logical_or(every.eq(digits.unsqueeze(0)));
        var weights = nn.functional.softmax(logits, -1).t().clamp_min(SmallestWeight).masked_fill(labelled.unsqueeze(0), 1.0);
        using var plate = Plate("digits", Classes, dim: -2);
        using var mask = new MaskMessenger(keep).Install();
        using var scale = new ScaleMessenger(weights).Install();
        body();
    }
}
