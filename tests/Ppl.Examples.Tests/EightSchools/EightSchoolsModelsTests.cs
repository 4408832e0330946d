using Ppl.Examples.EightSchools;
using Ppl.Inference.Mcmc;
using static TorchSharp.torch;
using MathNormal = MathNet.Numerics.Distributions.Normal;

namespace Ppl.Tests.Examples.EightSchools;

/// <summary>
/// The two models' potential energies against the eight-schools density written out by hand (MathNet's
/// normal log-densities, the half-Cauchy's formula, log τ for the exp map onto τ &gt; 0), at a point away
/// from the mode, and their gradients against central differences of that formula.
/// </summary>
public sealed class EightSchoolsModelsTests
{
    // mu, log tau, then the eight school coordinates
    private static readonly double[] Position = [1.3, 0.7, 0.4, -1.1, 0.25, 2.0, -0.3, 0.9, -1.6, 0.05];

    [Fact]
    public void TheNonCenteredPotentialIsTheDensityInStandardizedEffects()
    {
        using var scope = NewDisposeScope();
        using var potential = new ModelPotential<SchoolsData>(EightSchoolsModels.NonCentered, SchoolsData.Classic(), seed: 0);
        Assert.Equal(["mu", "tau", "theta_tilde"], potential.Sites.Select(s => s.Name));
        AssertMatches(potential, q => -LogDensity(q, nonCentered: true));
    }

    [Fact]
    public void TheCenteredPotentialIsTheDensityInTheEffectsThemselves()
    {
        using var scope = NewDisposeScope();
        using var potential = new ModelPotential<SchoolsData>(EightSchoolsModels.Centered, SchoolsData.Classic(), seed: 0);
        Assert.Equal(["mu", "tau", "theta"], potential.Sites.Select(s => s.Name));
        AssertMatches(potential, q => -LogDensity(q, nonCentered: false));
    }

    private static void AssertMatches(ModelPotential<SchoolsData> potential, Func<double[], double> energy)
    {
        Assert.Equal(Position.Length, potential.Dimension);
        var (u, gradient) = potential.EnergyAndGradient(Position);
        Assert.Equal(energy(Position), u, 10);
        for (int i = 0; i < Position.Length; i++)
        {
            const double h = 1e-5;
            double[] up = [.. Position], down = [.. Position];
            up[i] += h;
            down[i] -= h;
            double numeric = (energy(up) - energy(down)) / (2 * h);
            Assert.True(Math.Abs(gradient[i] - numeric) < 1e-6 * Math.Max(1, Math.Abs(numeric)), $"dU/dq[{i}]: {gradient[i]} vs {numeric} by differences");
        }
    }

    private static double LogDensity(double[] q, bool nonCentered)
    {
        double mu = q[0], logTau = q[1], tau = Math.Exp(logTau);
        double halfCauchy = Math.Log(2 / (Math.PI * 5)) - Math.Log(1 + ((tau / 5) * (tau / 5)));
        double total = MathNormal.PDFLn(0, 5, mu) + halfCauchy + logTau;
        for (int j = 0; j < 8; j++)
        {
            double theta = nonCentered ? mu + (tau * q[2 + j]) : q[2 + j];
            total += nonCentered ? MathNormal.PDFLn(0, 1, q[2 + j]) : MathNormal.PDFLn(mu, tau, theta);
            total += MathNormal.PDFLn(theta, SchoolsData.StandardErrors[j], SchoolsData.Effects[j]);
        }

        return total;
    }
}
