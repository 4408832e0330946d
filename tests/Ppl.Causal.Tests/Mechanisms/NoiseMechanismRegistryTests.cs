using Ppl.Causal;
using Ppl.Distributions;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Mechanisms;

/// <summary>
/// Noise mechanisms are a registry by distribution type (like KL's): a user's own family gets
/// counterfactuals by registering how its noise is abducted and pushed through, and the built-in
/// families are found through their base types.
/// </summary>
[Collection("Sequential")]
public sealed class NoiseMechanismRegistryTests
{
    /// <summary>A user's family: x = ε / rate with ε ~ Exponential(1) (an exponential by its rate).</summary>
    private sealed class RateScaled(Tensor rate) : Distribution(rate.shape, [])
    {
        public Tensor Rate { get; } = rate;

        public override Constraint Support => Constraints.NonNegative;

        public override Device Device => Rate.device;

        public override ScalarType DType => Rate.dtype;

        protected override Tensor SampleCore(Generator? generator, long[] sampleShape) =>
            rand([.. sampleShape, .. BatchShape], dtype: DType, device: Device, generator: generator).clamp_min(1e-300).log().neg().div(Rate);

        protected override Tensor LogProbCore(Tensor value) => Rate.log().sub(Rate.mul(value));
    }

    private static Tensor Model(bool unused)
    {
        var a = Sample("a", new Normal(tensor(0.0, dtype: float64), 1.0));
        a = CausalPrimitives.Intervene(a, tensor(1.0, dtype: float64), "a");
        return Sample("y", new RateScaled(a.exp()));
    }

    [Fact]
    public void AUsersFamilySharesItsNoiseAcrossWorldsOnceRegistered()
    {
        using var scope = NewDisposeScope();
        var evidence = new Dictionary<string, Tensor> { ["a"] = tensor(0.5, dtype: float64), ["y"] = tensor(2.0, dtype: float64) };
        Func<bool, Tensor> model = Model;

        Assert.False(NoiseMechanisms.IsRegistered(new RateScaled(tensor(1.0))));
        NoiseMechanisms.Register<RateScaled>((d, factual, c) => factual.mul(c.Factual(d.Rate)).div(d.Rate));
        Assert.True(NoiseMechanisms.IsRegistered(new RateScaled(tensor(1.0))));

        var twin = new TwinWorldCounterfactual();
        Tensor y;
        using (twin.Install())
        {
            y = model.Condition(evidence).Invoke(false);
        }

        // abduction: ε = 2 · e^0.5; prediction under a = 1: y = ε / e^1
        Assert.Equal(2.0, twin.FactualOf(y).item<double>(), 12);
        Assert.Equal(2.0 * Math.Exp(0.5) / Math.Exp(1.0), twin.CounterfactualOf(y).item<double>(), 12);
    }

    [Fact]
    public void BuiltInFamiliesAreFoundThroughTheirBaseTypes()
    {
        using var scope = NewDisposeScope();
        Assert.True(NoiseMechanisms.IsRegistered(new Normal(0.0, 1.0)));            // LocationScaleDistribution
        Assert.True(NoiseMechanisms.IsRegistered(new Normal(zeros(3), 1.0).ToEvent(1)));
        Assert.True(NoiseMechanisms.IsRegistered(Categorical.FromLogits(zeros(3))));
        Assert.False(NoiseMechanisms.IsRegistered(new Poisson(2.0)));
    }

    [Fact]
    public void AnUnvalidatedSiteSharesItsBasesNoise()
    {
        using var scope = NewDisposeScope();
        Assert.True(NoiseMechanisms.IsRegistered(new Normal(0.0, 1.0).Unvalidated()));
        var evidence = new Dictionary<string, Tensor> { ["a"] = tensor(0.5, dtype: float64), ["y"] = tensor(2.0, dtype: float64) };
        Func<bool, Tensor> model = _ =>
        {
            var a = Sample("a", new Normal(tensor(0.0, dtype: float64), 1.0));
            a = CausalPrimitives.Intervene(a, tensor(1.0, dtype: float64), "a");
            return Sample("y", new Normal(a, 1.0).Unvalidated());
        };

        var twin = new TwinWorldCounterfactual();
        Tensor y;
        using (twin.Install())
        {
            y = model.Condition(evidence).Invoke(false);
        }

        // additive noise: ε = 2 − 0.5, so y = 1 + ε under do(a = 1)
        Assert.Equal(2.0, twin.FactualOf(y).item<double>(), 12);
        Assert.Equal(2.5, twin.CounterfactualOf(y).item<double>(), 12);
    }
}
