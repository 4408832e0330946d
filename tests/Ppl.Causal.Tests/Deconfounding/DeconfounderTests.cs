using Ppl.Causal;
using Ppl.Inference.FactorModels;
using Ppl.Testing;
using static TorchSharp.torch;

namespace Ppl.Tests.Causal.Deconfounding;

/// <summary>
/// The deconfounder as one program: its effects by the adjustment formula and by do() on the program
/// agree, the twin-world counterfactual of a linear-Gaussian outcome is the coefficients' difference
/// (its noise is shared between the worlds), and the outcome model is the least-squares fit given Ẑ.
/// </summary>
[Collection("Sequential")]
public sealed class DeconfounderTests
{
    private const int Films = 300, Actors = 12;

    private static (Tensor A, Tensor Y) Data()
    {
        var g = new Generator(7);
        var z = randn(Films, 1, generator: g);
        var theta = randn(1, Actors, generator: g).mul(1.5);
        var a = rand(Films, Actors, generator: g).lt(z.matmul(theta).sub(1).sigmoid()).to(float32);
        var y = a.matmul(linspace(-1, 1, Actors).unsqueeze(-1)).squeeze(-1).add(z.squeeze(-1).mul(2)).add(randn(Films, generator: g));
        return (a, y);
    }

    [Fact]
    [Trait(Stage.Key, Stage.Statistical)]
    public void EffectsByAdjustmentAndByInterventionAgreeAndCounterfactualsSwapCoefficients()
    {
        using var scope = NewDisposeScope();
        var (a, y) = Data();
        using var fit = FactorModelFitting.Fit(new LogisticFactorModel(Actors, 1), a, options: new FactorFitOptions { Epochs = 30 });
        var deconfounder = Deconfounder.Fit(fit, y);

        var expected = CauseEffects.MultiCause(a, y, deconfounder.SubstituteConfounders);
        for (int j = 0; j < Actors; j++)
        {
            double adjusted = deconfounder.AdjustedEffect(j);
            double interventional = deconfounder.InterventionalEffect(y, j);
            Assert.Equal(expected[j].item<double>(), adjusted, 1e-9);
            Assert.True(Math.Abs(adjusted - interventional) < 1e-5, $"cause {j}: adjustment {adjusted}, do() {interventional}");
        }

        long unit = a.select(1, 0).eq(1).logical_and(a.select(1, 5).eq(0)).nonzero()[0, 0].item<long>();
        double answer = deconfounder.Counterfactual(y, unit, cause: 0, instead: 5);
        double swap = deconfounder.Outcome.CauseWeights[5].item<double>() - deconfounder.Outcome.CauseWeights[0].item<double>();
        Assert.True(Math.Abs(answer - swap) < 1e-4, $"counterfactual {answer}, β₅ − β₀ = {swap}");

        long without = a.select(1, 0).eq(0).nonzero()[0, 0].item<long>();
        var e = Assert.Throws<ArgumentException>(() => deconfounder.Counterfactual(y, without, cause: 0, instead: 5));
        Assert.Contains($"unit {without} must have cause 0", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => deconfounder.AdjustedEffect(Actors));
    }

    [Fact]
    public void TheProgramHasTheOutcomeInsideTheUnitsPlate()
    {
        using var scope = NewDisposeScope();
        var (a, y) = Data();
        using var fit = FactorModelFitting.Fit(new LogisticFactorModel(Actors, 1), a, options: new FactorFitOptions { Epochs = 2 });
        var deconfounder = Deconfounder.Fit(fit, y);
        Func<DeconfounderData, object?> program = deconfounder.Program;
        using var active = fit.Store.Activate();
        var trace = program.GetTrace(deconfounder.Data(y));
        Assert.Equal([(long)Films, 1L], trace[Deconfounder.OutcomeSite].Value!.shape);
        Assert.True(trace[Deconfounder.OutcomeSite].IsObserved);
        Assert.Equal([(long)Films, 1L], trace[Deconfounder.OutcomeMeanSite].Value!.shape);
        Assert.Equal([(long)Films, 1L, 1L], trace[FactorModel.LatentSite].Value!.shape);
        Assert.Contains(trace[Deconfounder.OutcomeSite].Plates, p => p.Name == FactorModel.UnitsPlate);
        Assert.Throws<ArgumentException>(() => Deconfounder.Fit(fit, y.narrow(0, 0, 10)));
    }

    /// <summary>
    /// Checking, substituting and querying a fitted model, repeated, leave no tensor behind; outside a
    /// scope, asking for Ẑ leaves only Ẑ. (The fit itself is made once: TorchSharp counts the tensor a
    /// new Parameter takes its storage from as live after it is disposed, one per parameter of every
    /// store, so a count across fits would measure that, not this code.)
    /// </summary>
    [Fact]
    public void CheckingAndQueryingLeaveNoLiveTensors()
    {
        var (a, y) = Data();
        var observed = HeldOutEntries.Draw(Films, Actors, 0.2, seed: 1);
        using var fit = FactorModelFitting.Fit(new LogisticFactorModel(Actors, 1), a, observed, new FactorFitOptions { Epochs = 2 });
        long unit = a.select(1, 0).eq(1).logical_and(a.select(1, 5).eq(0)).nonzero()[0, 0].item<long>();
        void Exercise()
        {
            using var scope = NewDisposeScope();
            _ = HeldOutPredictiveCheck.Run(fit, replications: 4, proposals: 8, chunk: 3);
            _ = fit.HeldOutElbo(a, particles: 2);
            var deconfounder = Deconfounder.Fit(fit, y);
            _ = deconfounder.AdjustedEffect(0);
            _ = deconfounder.InterventionalEffect(y, 0);
            _ = deconfounder.Counterfactual(y, unit, cause: 0, instead: 5);
        }

        long before = LiveTensors.AssertNoLeak(Exercise);

        var substitute = fit.SubstituteConfounders(a, proposals: 16);
        Assert.Equal(before + 1, LiveTensors.Count());
        substitute.Dispose();
    }
}
