using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Inference;
using static Ppl.Primitives;
using static Ppl.Tests.Inference.Enumeration.ExactSums;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Enumeration;

/// <summary>
/// <see cref="TraceEnumElbo"/> against exact sums computed independently: a Gaussian mixture against
/// <see cref="MixtureSameFamily"/>, a global discrete variable shared by a plate, nested plates and a
/// Markov chain against loops over doubles (the forward algorithm for the chain). All in float64, so
/// the tolerances are rounding.
/// </summary>
public sealed class TraceEnumElboTests
{
    private static readonly double[] Data = [-2.1, -1.7, -2.5, 0.2, 0.1, -0.3, 2.2, 1.9, 2.6, 2.4, -1.9, 0.4, 2.0, -2.2, 0.0];

    [Fact]
    public void MixtureLossAndGradientsEqualTheMarginalModel()
    {
        using var scope = NewDisposeScope();
        var x = tensor(Data);
        var logits = tensor(new[] { 0.2, -0.1, 0.4 }).requires_grad_(true);
        var locs = tensor(new[] { -2.0, 0.1, 2.1 }).requires_grad_(true);
        var logScale = tensor(-0.2).requires_grad_(true);

        object? Enumerated(Tensor data)
        {
            using var plate = Plate("data", data.shape[0]);
            var z = Sample("z", Categorical.FromLogits(logits));
            return Sample("x", new Normal(locs.index(z), logScale.exp()), obs: data);
        }

        object? Marginal(Tensor data)
        {
            using var plate = Plate("data", data.shape[0]);
            var mixture = new MixtureSameFamily(Categorical.FromLogits(logits), new Normal(locs, logScale.exp()));
            return Sample("x", mixture, obs: data);
        }

        Func<Tensor, object?> model = Enumerated;
        var enumLoss = new TraceEnumElbo().DifferentiableLoss(model.ConfigEnumerate(), _ => null, x);
        var enumGrads = autograd.grad([enumLoss], [logits, locs, logScale]);
        var marginalLoss = new TraceElbo().DifferentiableLoss<Tensor>(Marginal, _ => null, x);
        var marginalGrads = autograd.grad([marginalLoss], [logits, locs, logScale]);

        // the marginal log-likelihood by hand too: Σ_n log Σ_k π_k N(x_n; μ_k, σ)
        var byHand = -LogSumExpRows(x, logits, locs, logScale);
        Assert.Equal(byHand.item<double>(), enumLoss.item<double>(), 10);
        Assert.Equal(marginalLoss.item<double>(), enumLoss.item<double>(), 10);
        for (int i = 0; i < 3; i++)
        {
            Assert.True(enumGrads[i].sub(marginalGrads[i]).abs().max().item<double>() < 1e-9, $"gradient {i}: {enumGrads[i].str()} vs {marginalGrads[i].str()}");
        }
    }

    [Fact]
    public void LossWithAGuideIsTheMarginalMinusLogQAtTheGuidesDraw()
    {
        using var scope = NewDisposeScope();
        var x = tensor(Data);
        var logits = tensor(new[] { 0.2, -0.1, 0.4 });
        var locs = tensor(new[] { -2.0, 0.1, 2.1 });

        object? Model(Tensor data)
        {
            var shift = Sample("shift", new Normal(tensor(0.0), tensor(1.0)));
            using var plate = Plate("data", data.shape[0]);
            var z = Sample("z", Categorical.FromLogits(logits), infer: InferConfig.Default with { Enumerate = EnumerateMode.Parallel });
            return Sample("x", new Normal(locs.index(z).add(shift), tensor(1.0)), obs: data);
        }

        object? Guide(Tensor data) => Sample("shift", new Normal(tensor(0.3), tensor(0.5)));

        var estimate = new TraceEnumElbo().Estimate<Tensor>(Model, Guide, x);
        var shift = estimate.Runs[0].Guide["shift"].Value!;
        double logQ = new Normal(tensor(0.3), tensor(0.5)).LogProb(shift).item<double>();
        double logPrior = new Normal(tensor(0.0), tensor(1.0)).LogProb(shift).item<double>();
        double marginal = LogSumExpRows(x.sub(shift), logits, locs, tensor(0.0)).item<double>();
        Assert.Equal(-(marginal + logPrior - logQ), estimate.Loss.item<double>(), 10);
    }

    [Fact]
    public void AGlobalDiscreteVariableSharedByAPlateIsSummedOutsideTheProductOverThePlate()
    {
        using var scope = NewDisposeScope();
        var x = tensor(Data);
        double[] prior = [0.3, 0.7];
        double[] means = [-1.0, 1.5];

        object? Model(Tensor data)
        {
            var z = Sample("z", Categorical.FromProbs(tensor(prior)));
            using var plate = Plate("data", data.shape[0]);
            return Sample("x", new Normal(tensor(means).index(z), tensor(1.0)), obs: data);
        }

        Func<Tensor, object?> model = Model;
        double loss = new TraceEnumElbo().Loss(model.ConfigEnumerate(), _ => null, x);
        double truth = LogSumExp(Enumerable.Range(0, 2).Select(k => Math.Log(prior[k]) + Data.Sum(v => NormalLogDensity(v, means[k], 1.0))));
        Assert.Equal(-truth, loss, 10);
    }

    [Fact]
    public void NestedPlatesMatchBruteForce()
    {
        using var scope = NewDisposeScope();
        double[] prior = [0.4, 0.6];
        double[,] transition = { { 0.7, 0.2, 0.1 }, { 0.1, 0.3, 0.6 } };
        double[] means = [-1.0, 0.5, 2.0];
        double[,] x = { { -0.8, 0.4, 2.2 }, { 1.9, 0.6, -1.1 } };

        object? Model(Tensor data)
        {
            using var outer = Plate("outer", 2, dim: -2);
            var a = Sample("a", Categorical.FromProbs(tensor(prior)));
            using var inner = Plate("inner", 3, dim: -1);
            var w = Sample("w", Categorical.FromProbs(tensor(transition).index(a)));
            return Sample("x", new Normal(tensor(means).index(w), tensor(1.0)), obs: data);
        }

        Func<Tensor, object?> model = Model;
        double loss = new TraceEnumElbo().Loss(model.ConfigEnumerate(), _ => null, tensor(x));
        double truth = 0;
        for (int i = 0; i < 2; i++)
        {
            var perA = new List<double>();
            for (int av = 0; av < 2; av++)
            {
                double logProduct = Math.Log(prior[av]);
                for (int j = 0; j < 3; j++)
                {
                    logProduct += LogSumExp(Enumerable.Range(0, 3).Select(wv => Math.Log(transition[av, wv]) + NormalLogDensity(x[i, j], means[wv], 1.0)));
                }

                perA.Add(logProduct);
            }

            truth += LogSumExp(perA);
        }

        Assert.Equal(-truth, loss, 10);
    }

    [Fact]
    public void AMarkovChainOfFiftyStepsMatchesTheForwardAlgorithmWithTwoEnumerationDims()
    {
        using var scope = NewDisposeScope();
        const int steps = 50;
        double[] initial = [0.5, 0.3, 0.2];
        double[,] transition = { { 0.8, 0.1, 0.1 }, { 0.2, 0.7, 0.1 }, { 0.1, 0.2, 0.7 } };
        double[] means = [-1.5, 0.0, 1.5];
        var generator = new TorchSharp.torch.Generator(4);
        var observations = randn([steps], dtype: ScalarType.Float64, generator: generator).mul(1.5);
        double[] y = observations.data<double>().ToArray();

        object? Model(Tensor data)
        {
            Tensor? state = null;
            foreach (int t in Markov(Enumerable.Range(0, steps)))
            {
                var probs = state is null ? tensor(initial) : tensor(transition).index(state);
                state = Sample($"z_{t}", Categorical.FromProbs(probs));
                Sample($"x_{t}", new Normal(tensor(means).index(state), tensor(0.8)), obs: data[t]);
            }

            return null;
        }

        Func<Tensor, object?> model = Model;
        var estimate = new TraceEnumElbo().Estimate(model.ConfigEnumerate(), _ => null, observations);

        // the forward algorithm: α_t(k) = N(y_t; μ_k) Σ_j α_{t−1}(j) T[j, k], in log space
        var alpha = Enumerable.Range(0, 3).Select(k => Math.Log(initial[k]) + NormalLogDensity(y[0], means[k], 0.8)).ToArray();
        for (int t = 1; t < steps; t++)
        {
            var previous = alpha;
            alpha = [.. Enumerable.Range(0, 3).Select(k => NormalLogDensity(y[t], means[k], 0.8) + LogSumExp(Enumerable.Range(0, 3).Select(j => previous[j] + Math.Log(transition[j, k]))))];
        }

        Assert.Equal(-LogSumExp(alpha), estimate.Loss.item<double>(), 8);
        var dims = estimate.Runs[0].Model.SampleSites.Select(s => s.Infer.Enumeration).Where(e => e is { IsEnumerated: true }).Select(e => e!.Dim!.Value).Distinct().Order().ToArray();
        Assert.Equal([-2, -1], dims);
    }

    [Fact]
    public void VectorizedParticlesEachGiveTheMarginal()
    {
        using var scope = NewDisposeScope();
        var x = tensor(Data);
        var logits = tensor(new[] { 0.2, -0.1, 0.4 });
        var locs = tensor(new[] { -2.0, 0.1, 2.1 });

        object? Model(Tensor data)
        {
            using var plate = Plate("data", data.shape[0]);
            var z = Sample("z", Categorical.FromLogits(logits));
            return Sample("x", new Normal(locs.index(z), tensor(1.0)), obs: data);
        }

        Func<Tensor, object?> model = Model;
        var elbo = new TraceEnumElbo { NumParticles = 4, VectorizeParticles = true };
        double loss = elbo.Loss(model.ConfigEnumerate(), _ => null, x);
        Assert.True(elbo.LastRunVectorized);
        Assert.Equal(-LogSumExpRows(x, logits, locs, tensor(0.0)).item<double>(), loss, 10);
    }

    [Fact]
    public void EnumeratingAContinuousSiteIsRefusedByName()
    {
        using var scope = NewDisposeScope();
        object? Continuous(Tensor data) => Sample("mu", new Normal(tensor(0.0), tensor(1.0)), infer: InferConfig.Default with { Enumerate = EnumerateMode.Parallel });
        var e = Assert.Throws<ModelExecutionException>(() => new TraceEnumElbo().Loss<Tensor>(Continuous, _ => null, tensor(0.0)));
        Assert.IsType<NotSupportedException>(e.InnerException);
        Assert.Contains("'mu'", e.InnerException.Message, StringComparison.Ordinal);
    }

    /// <summary>Σ_n log Σ_k softmax(logits)_k N(x_n; locs_k, exp(logScale)), as a tensor.</summary>
    private static Tensor LogSumExpRows(Tensor x, Tensor logits, Tensor locs, Tensor logScale)
    {
        var logWeights = logits.log_softmax(0);
        var components = new Normal(locs, logScale.exp()).LogProb(x.unsqueeze(-1));
        return components.add(logWeights).logsumexp(1, keepdim: false).sum();
    }
}
