using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Inference;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Enumeration;

/// <summary>
/// <see cref="TraceEnumElbo"/> with the enumeration in the guide: the estimate is the expectation under
/// q of log p − log q, computed by hand (float64 tensors) from the same draws; with q the exact posterior it
/// is the log marginal likelihood; guide- and model-enumerated variables together against brute force; and
/// the combinations Pyro also refuses are refused by name.
/// </summary>
public sealed class GuideEnumerationTests
{
    private static readonly double[] Data = [-2.1, -1.7, 0.2, 0.1, 2.2, 1.9, -0.3];
    private static readonly InferConfig Parallel = InferConfig.Default with { Enumerate = EnumerateMode.Parallel };

    [Fact]
    public void AMixtureWithAnEnumeratedGuideHasTheExpectedElboAndItsGradients()
    {
        using var scope = NewDisposeScope();
        var x = tensor(Data);
        var prior = tensor(new[] { 0.3, 0.3, 0.4 });
        var locs = tensor(new[] { -2.0, 0.1, 2.1 }).requires_grad_(true);
        var guideLogits = tensor(new double[,] { { 2, 0, -1 }, { 1, 1, 0 }, { 0, 2, 0 }, { 0, 1, 0 }, { -1, 0, 2 }, { 0, 0, 1 }, { 0, 1, 1 } }).requires_grad_(true);

        object? Model(Tensor data)
        {
            using var plate = Plate("data", data.shape[0]);
            var z = Sample("z", Categorical.FromProbs(prior));
            return Sample("x", new Normal(locs.index(z), tensor(1.0)), obs: data);
        }

        object? Guide(Tensor data)
        {
            using var plate = Plate("data", data.shape[0]);
            return Sample("z", Categorical.FromLogits(guideLogits), infer: Parallel);
        }

        var loss = new TraceEnumElbo().DifferentiableLoss<Tensor>(Model, Guide, x);
        var grads = autograd.grad([loss], [locs, guideLogits]);

        // Σ_n Σ_k q_nk [log π_k + log N(x_n; μ_k, 1) − log q_nk]
        var logQ = guideLogits.log_softmax(1);
        var logJoint = prior.log().add(new Normal(locs, tensor(1.0)).LogProb(x.unsqueeze(1)));
        var byHand = logQ.exp().mul(logJoint.sub(logQ)).sum().neg();
        var handGrads = autograd.grad([byHand], [locs, guideLogits]);
        Assert.Equal(byHand.item<double>(), loss.item<double>(), 10);
        for (int i = 0; i < 2; i++)
        {
            Assert.True(grads[i].sub(handGrads[i]).abs().max().item<double>() < 1e-9, $"gradient {i}: {grads[i].str()} vs {handGrads[i].str()}");
        }

        // with q the exact posterior the bound is tight: the loss is −log p(x)
        using (no_grad())
        {
            guideLogits.copy_(logJoint.log_softmax(1));
        }

        double tight = new TraceEnumElbo().Loss<Tensor>(Model, Guide, x);
        Assert.Equal(-logJoint.logsumexp(1, keepdim: false).sum().item<double>(), tight, 10);
    }

    [Fact]
    public void AReparameterizedSiteThatDependsOnTheEnumeratedOneIsAveragedWithIt()
    {
        using var scope = NewDisposeScope();
        var offsets = tensor(new[] { -1.0, 2.0 });
        var q = tensor(new[] { 0.35, 0.65 });
        var guideLocs = tensor(new[] { 0.4, -0.6 });
        var guideScales = tensor(new[] { 0.8, 0.5 });
        const double observed = 1.2;

        object? Model(int unused)
        {
            var y = Sample("y", Categorical.FromProbs(tensor(new[] { 0.5, 0.5 })));
            var z = Sample("z", new Normal(tensor(0.0), tensor(1.0)));
            return Sample("x", new Normal(offsets.index(y).add(z), tensor(1.0)), obs: tensor(observed));
        }

        object? Guide(int unused)
        {
            var y = Sample("y", Categorical.FromProbs(q), infer: Parallel);
            return Sample("z", new Normal(guideLocs.index(y), guideScales.index(y)));
        }

        var estimate = new TraceEnumElbo().Estimate<int>(Model, Guide, 0);
        var z = estimate.Runs[0].Guide["z"].Value!; // one draw per value of y: shape [2]
        Assert.Equal([2L], z.shape);

        // Σ_y q_y [log p(y) − log q_y + log N(z_y; 0, 1) + log N(x; a_y + z_y, 1) − log N(z_y; m_y, s_y)]
        var perValue = tensor(new[] { 0.5, 0.5 }).log().sub(q.log())
            .add(new Normal(tensor(0.0), tensor(1.0)).LogProb(z))
            .add(new Normal(offsets.add(z), tensor(1.0)).LogProb(tensor(observed)))
            .sub(new Normal(guideLocs, guideScales).LogProb(z));
        Assert.Equal(-q.mul(perValue).sum().item<double>(), estimate.Loss.item<double>(), 10);
    }

    [Fact]
    public void GuideAndModelEnumerationTogetherMatchBruteForce()
    {
        using var scope = NewDisposeScope();
        // y_n enumerated in the guide, w_n | y_n enumerated in the model, x_n | w_n observed
        var x = tensor(Data);
        double[] py = [0.6, 0.4];
        double[,] pw = { { 0.7, 0.2, 0.1 }, { 0.1, 0.3, 0.6 } };
        double[] locs = [-2.0, 0.0, 2.0];
        var qy = tensor(new double[,] { { 0.9, 0.1 }, { 0.8, 0.2 }, { 0.5, 0.5 }, { 0.4, 0.6 }, { 0.1, 0.9 }, { 0.2, 0.8 }, { 0.5, 0.5 } });

        object? Model(Tensor data)
        {
            using var plate = Plate("data", data.shape[0]);
            var y = Sample("y", Categorical.FromProbs(tensor(py)));
            var w = Sample("w", Categorical.FromProbs(tensor(pw).index(y)), infer: Parallel);
            return Sample("x", new Normal(tensor(locs).index(w), tensor(1.0)), obs: data);
        }

        object? Guide(Tensor data)
        {
            using var plate = Plate("data", data.shape[0]);
            return Sample("y", Categorical.FromProbs(qy), infer: Parallel);
        }

        double loss = new TraceEnumElbo().Loss<Tensor>(Model, Guide, x);

        double elbo = 0;
        for (int n = 0; n < Data.Length; n++)
        {
            for (int y = 0; y < 2; y++)
            {
                double q = qy[n, y].item<double>();
                double marginal = Enumerable.Range(0, 3).Sum(w => pw[y, w] * Math.Exp(MathNet.Numerics.Distributions.Normal.PDFLn(locs[w], 1.0, Data[n])));
                elbo += q * (Math.Log(py[y]) + Math.Log(marginal) - Math.Log(q));
            }
        }

        Assert.Equal(-elbo, loss, 10);
    }

    [Fact]
    public void AModelVariableMoreGlobalThanTheGuidesOrANonReparameterizedGuideDrawIsRefused()
    {
        using var scope = NewDisposeScope();
        var x = tensor(Data);

        object? Model(Tensor data)
        {
            var g = Sample("g", Categorical.FromProbs(tensor(new[] { 0.5, 0.5 })), infer: Parallel);
            using var plate = Plate("data", data.shape[0]);
            var y = Sample("y", Categorical.FromProbs(tensor(new[] { 0.5, 0.5 })));
            return Sample("x", new Normal(g.add(y).to_type(ScalarType.Float64), tensor(1.0)), obs: data);
        }

        object? Guide(Tensor data)
        {
            using var plate = Plate("data", data.shape[0]);
            return Sample("y", Categorical.FromProbs(tensor(new[] { 0.5, 0.5 })), infer: Parallel);
        }

        var global = Assert.Throws<NotSupportedException>(() => new TraceEnumElbo().Loss<Tensor>(Model, Guide, x));
        Assert.Contains("more global", global.Message, StringComparison.Ordinal);

        object? LocalModel(Tensor data)
        {
            var b = Sample("b", Bernoulli.FromProbs(tensor(0.5)));
            using var plate = Plate("data", data.shape[0]);
            var y = Sample("y", Categorical.FromProbs(tensor(new[] { 0.5, 0.5 })));
            return Sample("x", new Normal(y.to_type(ScalarType.Float64).add(b), tensor(1.0)), obs: data);
        }

        object? MixedGuide(Tensor data)
        {
            Sample("b", Bernoulli.FromProbs(tensor(0.3)));
            return Guide(data);
        }

        var draw = Assert.Throws<NotSupportedException>(() => new TraceEnumElbo().Loss<Tensor>(LocalModel, MixedGuide, x));
        Assert.Contains("'b'", draw.Message, StringComparison.Ordinal);
    }
}
