using Ppl.Data;
using Ppl.Distributions;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using Ppl.Params;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Inference.FactorModels;

/// <summary>Fits a <see cref="FactorModel"/> to a units × causes matrix by SVI over minibatches of units.</summary>
public static class FactorModelFitting
{
    /// <summary>
    /// Fits <paramref name="model"/> to <paramref name="causes"/> [N, m] (its entries where
    /// <paramref name="observed"/> is true; all when null) with <see cref="TraceElbo"/> and Adam over
    /// minibatches of units (the <c>units</c> plate subsamples them). The guide is an
    /// <see cref="AutoGuideList{TArgs}"/>: <see cref="AutoNormal{TArgs}"/> for the per-cause latents θ
    /// and an amortized <see cref="FactorEncoder"/> for each unit's Z_i, which sees only the causes.
    /// With <see cref="FactorFitOptions.EmRounds"/> above 0, Monte Carlo EM then moves θ's median and the
    /// model's parameters to the marginal MAP (the ELBO's optimum shrinks loadings towards 0); the
    /// encoder stays as SVI left it and serves as the importance sampler's proposal, so
    /// <see cref="FittedFactorModel.HeldOutElbo"/>, which scores with the encoder, is a looser bound
    /// after EM (compare models fitted the same way).
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not fit the model.</exception>
    public static FittedFactorModel Fit(FactorModel model, Tensor causes, Tensor? observed = null, FactorFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(causes);
        options ??= new FactorFitOptions();
        options.Validate();
        var store = new ParamStore();
        FactorEncoder? encoder = null;
        AutoGuideList<FactorData>? guide = null;
        try
        {
            AmortizedLatentGuide? latent = null;
            if (model.Factors > 0)
            {
                encoder = new FactorEncoder(model.Causes, model.Factors, options.EncoderHiddenUnits, options.Seed, positive: model.LatentSupport.Equals(Constraints.Positive));
                encoder.to(causes.device);
                latent = new AmortizedLatentGuide(model, encoder);
            }

            if (model.CauseLatentSites.Count > 0 || latent is not null)
            {
                guide = new AutoGuideList<FactorData>(model.Model) { Subsamples = (data, plate) => plate == FactorModel.UnitsPlate ? data.Rows.Indices(causes.device) : null };
                if (model.CauseLatentSites.Count > 0)
                {
                    var init = options.CauseInit ?? model.CauseInit(causes, observed);
                    guide.Add(m => new AutoNormal<FactorData>(m, init: init), [.. model.CauseLatentSites]);
                }

                if (latent is not null)
                {
                    guide.Add(latent.Run, latent.Median, FactorModel.LatentSite);
                }
            }

            long n = causes.shape[0];
            var batches = new MiniBatches(n, Math.Min(options.BatchSize, n), seed: options.Seed);
            double steps = (double)options.Epochs * batches.BatchesPerEpoch;
            double encoderRate = options.EncoderLearningRate ?? options.LearningRate * 2 / Math.Sqrt(model.Causes);
            using var adam = new Adam(options.LearningRate)
            {
                Schedule = LearningRateSchedule.Exponential(Math.Pow(options.LearningRateDecay, 1 / steps)),
                PerParameter = name => name.StartsWith(AmortizedLatentGuide.ModuleName, StringComparison.Ordinal) ? new OptimizerOptions { LearningRate = encoderRate } : null,
            };
            Func<FactorData, object?> guideProgram = guide is null ? _ => null : guide.Guide;
            var svi = new Svi<FactorData>(model.Model, guideProgram, adam, new TraceElbo { NumParticles = options.Particles, VectorizeParticles = options.Particles > 1 }, store, seed: options.Seed);
            var losses = new List<double>();
            for (int epoch = 0; epoch < options.Epochs; epoch++)
            {
                double total = 0;
                foreach (var rows in batches.Epoch(epoch))
                {
                    using var step = NewDisposeScope();
                    total += svi.Step(new FactorData(rows, causes, observed)) * rows.Count / n;
                }

                losses.Add(total / n);
                options.Progress?.Report(epoch + 1);
            }

            var fitted = new FittedFactorModel(model, guide, latent, encoder, store, FactorData.All(causes, observed), losses);
            fitted.EmObjectives = MonteCarloEm.Run(fitted, options.EmRounds, options.EmProposals, options.Seed);

            return fitted;
        }
        catch
        {
            guide?.Dispose();
            encoder?.Dispose();
            store.Dispose();
            throw;
        }
    }
}
