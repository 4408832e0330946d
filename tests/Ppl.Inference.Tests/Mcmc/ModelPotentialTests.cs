using MathNet.Numerics;
using Ppl.Distributions;
using Ppl.Inference.Guides;
using Ppl.Inference.Mcmc;
using static Ppl.Primitives;
using static Ppl.Testing.ConjugateModels.FourFamilies;
using static TorchSharp.torch;

namespace Ppl.Tests.Inference.Mcmc;

/// <summary>The potential energy a model gives MCMC, against its density written by hand.</summary>
public sealed class ModelPotentialTests
{
    [Fact]
    public void TheEnergyIsTheNegativeLogJointPlusTheLogJacobianAndTheGradientIsItsDerivative()
    {
        // Gamma–Poisson with the rate on the log scale: U(u) = −log Gamma(e^u; 3, 1) − Σ log Poisson(kᵢ; e^u) − u
        static double Energy(double u)
        {
            double rate = Math.Exp(u);
            double logPrior = (3 * Math.Log(1.0)) - SpecialFunctions.GammaLn(3) + (2 * Math.Log(rate)) - rate;
            double logLikelihood = Counts.Sum(k => (k * Math.Log(rate)) - rate - SpecialFunctions.GammaLn(k + 1));
            return -(logPrior + logLikelihood + u);
        }

        using var counts = tensor(Counts);
        using var potential = new ModelPotential<Tensor>(GammaModel, counts);
        Assert.Equal(1, potential.Dimension);
        foreach (double u in new[] { -1.0, 0.3, 1.2 })
        {
            var (energy, gradient) = potential.EnergyAndGradient([u]);
            Assert.Equal(Energy(u), energy, 4); // float32 model
            double numeric = (Energy(u + 1e-5) - Energy(u - 1e-5)) / 2e-5;
            Assert.Equal(numeric, gradient[0], 3);
        }
    }

    [Fact]
    public void VectorizedChainsGiveEachChainTheEnergyItWouldHaveAlone()
    {
        using var x = tensor(NormalData);
        using var alone = new ModelPotential<Tensor>(NormalModel, x);
        using var batched = new ModelPotential<Tensor>(NormalModel, x, chains: 3);
        double[][] positions = [[0.2], [-1.0], [2.5]];
        var (energies, gradients) = batched.EnergyAndGradient(positions);
        for (int c = 0; c < 3; c++)
        {
            var (energy, gradient) = alone.EnergyAndGradient(positions[c]);
            Assert.Equal(energy, energies[c], 4);
            Assert.Equal(gradient[0], gradients[c][0], 4);
        }

        Assert.Equal([3L, 1L], batched.InitialPosition.shape);
        Assert.Equal([], batched.Sites[0].Shape);
    }

    [Fact]
    public void InitStrategiesAreTheAutoguidesOnesInUnconstrainedSpace()
    {
        using var counts = tensor(Counts);
        using var given = tensor(2.5f);
        using var atValue = new ModelPotential<Tensor>(GammaModel, counts, InitStrategies.ToValue(new Dictionary<string, Tensor> { ["rate"] = given }));
        Assert.Equal(Math.Log(2.5), atValue.InitialPosition.to_type(ScalarType.Float64).item<double>(), 6);
        using var feasible = new ModelPotential<Tensor>(GammaModel, counts, InitStrategies.ToFeasible());
        Assert.Equal(0.0, feasible.InitialPosition.to_type(ScalarType.Float64).item<double>(), 12); // log 1
        using var uniform = new ModelPotential<Tensor>(GammaModel, counts, seed: 3);
        Assert.InRange(uniform.InitialPosition.to_type(ScalarType.Float64).item<double>(), -2, 2); // Pyro's default: uniform on [−2, 2] unconstrained
    }

    [Fact]
    public void ThePotentialRunsOnTheMetaDevice()
    {
        // every tensor the potential makes follows the model's device: on meta only shapes are computed
        static object? Model(Tensor y)
        {
            var mu = Sample("mu", new Normal(zeros([], dtype: y.dtype, device: y.device), 5.0));
            var tau = Sample("tau", new HalfCauchy(full([], 5.0, dtype: y.dtype, device: y.device)));
            using var schools = Plate("J", y.shape[^1]);
            var theta = Sample("theta_tilde", new Normal(zeros([], dtype: y.dtype, device: y.device), 1.0).Expand([y.shape[^1]]));
            return Sample("obs", new Normal(mu.unsqueeze(-1).add(tau.unsqueeze(-1).mul(theta)), 10.0), obs: y);
        }

        using var scope = NewDisposeScope();
        var y = zeros(8, device: device("meta"));
        using var one = new ModelPotential<Tensor>(Model, y, InitStrategies.ToFeasible());
        var (energy, gradient) = one.EnergyAndGradient(zeros(10, device: device("meta")));
        Assert.Equal(DeviceType.META, energy.device_type);
        Assert.Equal([10L], gradient.shape);
        using var chains = new ModelPotential<Tensor>(Model, y, InitStrategies.ToFeasible(), chains: 3);
        var (energies, gradients) = chains.EnergyAndGradient(zeros(3, 10, device: device("meta")));
        Assert.Equal([3L], energies.shape);
        Assert.Equal([3L, 10L], gradients.shape);
        Assert.Equal(DeviceType.META, gradients.device_type);
        Assert.Equal([3L, 8L], chains.Constrain(zeros(3, 10, device: device("meta")))["theta_tilde"].shape);
    }

    [Fact]
    public void ALatentThatAppearsOnlySometimesIsAnError()
    {
        int runs = 0;
        object? Model(Tensor data)
        {
            var mu = Sample("mu", new Normal(tensor(0.0), tensor(1.0)));
            if (runs++ > 0)
            {
                Sample("extra", new Normal(tensor(0.0), tensor(1.0)));
            }

            return Sample("x", new Normal(mu, 1.0), obs: data);
        }

        using var data = tensor(0.5);
        using var potential = new ModelPotential<Tensor>(Model, data);
        var ex = Assert.Throws<InvalidOperationException>(() => potential.EnergyAndGradient([0.0]));
        Assert.Contains("'extra'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ALatentInASubsampledPlateIsRefused()
    {
        static object? Model(Tensor data)
        {
            using var plate = Plate("units", 10, subsampleSize: 4);
            var z = Sample("z", new Normal(zeros(4, dtype: ScalarType.Float64), 1.0));
            return Sample("y", new Normal(z, 1.0), obs: data);
        }

        using var data = zeros(4, dtype: ScalarType.Float64);
        var ex = Assert.Throws<NotSupportedException>(() => new ModelPotential<Tensor>(Model, data));
        Assert.Contains("'z'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'units'", ex.Message, StringComparison.Ordinal);
    }
}
