using Ppl.Distributions;
using Ppl.Effects;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using Ppl.Testing;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Enumeration;

/// <summary>
/// Enumeration inside a fit: an autoguide leaves the enumerated sites to <see cref="TraceEnumElbo"/>
/// and guides the rest; SVI then finds a mixture's shared shift, whose posterior is known in closed form
/// when the component of every point is unambiguous; and the estimator runs on the meta device.
/// </summary>
public sealed class EnumerationFitTests
{
    [Fact]
    public void AutoNormalGuidesOnlyTheContinuousSitesSviFindsTheShiftAndPredictiveAndInferDiscreteUseTheGuide()
    {
        using var scope = NewDisposeScope();
        // two well-separated components at −5 + shift and +5 + shift, unit noise, shift = 0.7: each point's
        // component is certain, so the posterior of the shift is that of a Normal mean, N(Σ r_n / (N + 1), 1 / (N + 1))
        var generator = new Generator(2);
        var sides = randint(0, 2, [60], generator: generator).to_type(ScalarType.Float64).mul(10).sub(5);
        var x = sides.add(0.7).add(randn([60], dtype: ScalarType.Float64, generator: generator));
        var residuals = x.sub(sides);
        double posteriorMean = residuals.sum().item<double>() / 61;
        double posteriorSd = Math.Sqrt(1.0 / 61);

        Func<Tensor, object?> model = data =>
        {
            var shift = Sample("shift", new Normal(tensor(0.0), tensor(1.0)));
            using var plate = Plate("data", data.shape[0]);
            var z = Sample("z", Categorical.FromProbs(tensor(new[] { 0.5, 0.5 })));
            return Sample("x", new Normal(tensor(new[] { -5.0, 5.0 }).index(z).add(shift), tensor(1.0)), obs: data);
        };
        var enumerated = model.ConfigEnumerate();
        using var guide = new AutoNormal<Tensor>(enumerated);
        using var adam = new Adam(0.05);
        var svi = new Svi<Tensor>(enumerated, guide.Guide, adam, new TraceEnumElbo(), seed: 3);
        for (int step = 0; step < 1500; step++)
        {
            svi.Step(x);
        }

        Assert.Equal(["shift"], guide.Sites.Select(s => s.Name));
        double loc = svi.ParamStore["AutoNormal.locs.shift"].to_type(ScalarType.Float64).item<double>();
        double scale = svi.ParamStore["AutoNormal.scales.shift"].to_type(ScalarType.Float64).item<double>();
        Assert.True(Math.Abs(loc - posteriorMean) < 0.05, $"loc {loc:F4} vs posterior mean {posteriorMean:F4}");
        Assert.True(Math.Abs(scale - posteriorSd) < 0.05, $"scale {scale:F4} vs posterior sd {posteriorSd:F4}");

        // Predictive draws the enumerated sites as the model does (from their prior given the guide's draw), as Pyro's does
        var predictive = new Predictive<Tensor>(enumerated, guide.Guide, 400, parallel: true, paramStore: svi.ParamStore).Sample(x, seed: 5);
        Assert.Equal([400L, 60L], predictive["z"].shape);
        Assert.Equal([400L, 60L], predictive["x"].shape);
        double share = predictive["z"].to_type(ScalarType.Float64).mean().item<double>();
        Assert.True(Math.Abs(share - 0.5) < 0.02, $"share of component 1 in predictive draws {share:F3}");

        // InferDiscrete on the model replayed on a guide draw: the joint MAP assignment is each point's side
        Func<Tensor, object?> guideProgram = guide.Guide;
        var guideTrace = guideProgram.WithParams(svi.ParamStore).GetTrace(x);
        var (assigned, _) = InferDiscrete.Run(enumerated.Replay(guideTrace), x, temperature: 0);
        Assert.Equal(guideTrace["shift"].Value!.item<double>(), assigned["shift"].Value!.item<double>());
        Assert.Equal(sides.gt(0).to_type(ScalarType.Int64).data<long>().ToArray(), assigned["z"].Value!.data<long>().ToArray());
    }

    [Fact]
    public void TheEstimateRunsOnTheMetaDevice()
    {
        using var scope = NewDisposeScope();
        var meta = device("meta");
        Func<Tensor, object?> model = data =>
        {
            using var plate = Plate("data", data.shape[0]);
            var z = Sample("z", Categorical.FromLogits(zeros(3, float64, meta)));
            return Sample("x", new Normal(zeros(3, float64, meta).index(z), ones(1, float64, meta).squeeze()), obs: data);
        };

        var loss = new TraceEnumElbo { MaxPlateNesting = 1 }.DifferentiableLoss(model.ConfigEnumerate(), _ => null, zeros(10, float64, meta));
        Assert.Equal(DeviceType.META, loss.device_type);
        Assert.Empty(loss.shape);
    }

    [Fact]
    public void StepsDrawsAndGuideEnumerationLeaveNoTensorBehind()
    {
        var data = tensor(new[] { -1.2, 0.3, 1.4, 1.1, -0.2, -1.5, 0.9, 0.0 });
        Func<Tensor, object?> hmm = x =>
        {
            var means = Sample("means", new Normal(zeros(3, float64), ones(3, float64)).ToEvent(1));
            Tensor? state = null;
            foreach (int t in Markov(Enumerable.Range(0, (int)x.shape[0])))
            {
                var probs = state is null ? full(3, 1.0 / 3, float64) : tensor(new double[,] { { 0.8, 0.1, 0.1 }, { 0.1, 0.8, 0.1 }, { 0.1, 0.1, 0.8 } }).index(state);
                state = Sample($"z_{t}", Categorical.FromProbs(probs));
                Sample($"x_{t}", new Normal(means.index(state), tensor(0.5)), obs: x[t]);
            }

            return null;
        };
        var model = hmm.ConfigEnumerate();
        using var guide = new AutoNormal<Tensor>(model);
        using var adam = new Adam(0.01);
        var svi = new Svi<Tensor>(model, guide.Guide, adam, new TraceEnumElbo(), seed: 1);
        Func<Tensor, object?> guideProgram = guide.Guide;

        object? Mixture(int unused)
        {
            using var plate = Plate("points", 4);
            var y = Sample("y", Categorical.FromProbs(tensor(new[] { 0.5, 0.5 })));
            return Sample("x", new Normal(y.to_type(ScalarType.Float64), tensor(1.0)), obs: tensor(new[] { 0.1, 0.9, 1.2, -0.3 }));
        }

        object? EnumeratedGuide(int unused)
        {
            using var plate = Plate("points", 4);
            return Sample("y", Categorical.FromProbs(tensor(new[] { 0.4, 0.6 })), infer: InferConfig.Default with { Enumerate = EnumerateMode.Parallel });
        }

        LiveTensors.AssertNoLeak(
            () =>
            {
                using var scope = NewDisposeScope();
                svi.Step(data);
                var guideTrace = guideProgram.WithParams(svi.ParamStore).GetTrace(data);
                InferDiscrete.Run(model.Replay(guideTrace), data, temperature: 0);
                InferDiscrete.Run(model.Replay(guideTrace), data, temperature: 1);
                new TraceEnumElbo().Loss<int>(Mixture, EnumeratedGuide, 0);
            },
            checkScopeStatistics: true);
    }
}
