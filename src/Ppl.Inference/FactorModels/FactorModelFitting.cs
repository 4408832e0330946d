using Ppl.Data;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using Ppl.Params;
using static TorchSharp.torch;

namespace Ppl.Inference.FactorModels;

/// <summary>Fits a <see cref="FactorModel"/> to a units × causes matrix by SVI over minibatches of units.</summary>
public static class FactorModelFitting
{
    /// <summary>
    /// Fits <paramref name="model"/> to <paramref name="causes"/> [N, m] (its entries where
    /// <paramref name="observed"/> is true; all when null) with <see cref="TraceElbo"/>, Adam and a mean-field
    /// Normal guide whose per-unit parameters follow the subsampled <c>units</c> plate.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not fit the model.</exception>
    public static FittedFactorModel Fit(FactorModel model, Tensor causes, Tensor? observed = null, FactorFitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(causes);
        options ??= new FactorFitOptions();
        options.Validate();
        var store = new ParamStore();
        var guide = new AutoNormal<FactorData>(model.Model) { Subsamples = (data, plate) => plate == FactorModel.UnitsPlate ? data.Rows.Indices(causes.device) : null };
        var losses = new List<double>();
        try
        {
            long n = causes.shape[0];
            var batches = new MiniBatches(n, Math.Min(options.BatchSize, n), seed: options.Seed);
            double steps = (double)options.Epochs * batches.BatchesPerEpoch;
            using var adam = new Adam(options.LearningRate) { Schedule = LearningRateSchedule.Exponential(Math.Pow(options.LearningRateDecay, 1 / steps)) };
            var svi = new Svi<FactorData>(model.Model, guide.Guide, adam, new TraceElbo(), store, seed: options.Seed);
            for (int epoch = 0; epoch < options.Epochs; epoch++)
            {
                double total = 0;
                foreach (var rows in batches.Epoch(epoch))
                {
                    using var step = NewDisposeScope();
                    total += svi.Step(new FactorData(rows, causes, observed)) * rows.Count / n;
                }

                losses.Add(total / n);
            }

            return new FittedFactorModel(model, guide, store, FactorData.All(causes, observed), losses);
        }
        catch
        {
            guide.Dispose();
            store.Dispose();
            throw;
        }
    }
}
