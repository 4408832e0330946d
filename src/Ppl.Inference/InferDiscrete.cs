using Ppl.Distributions;
using Ppl.Handlers;
using Ppl.Inference.Enumeration;
using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>
/// Draws a model's enumerated discrete latents from their exact joint posterior given everything else
/// in the run, or takes their joint most probable value (Pyro's <c>infer_discrete</c>). The model runs
/// once under enumeration (<see cref="EnumMessenger"/>); its factors are summed (temperature 1) or
/// maximized (temperature 0) out by variable elimination over the plates, and a backward pass draws each
/// variable given those chosen after it — forward filtering, backward sampling for an HMM, Viterbi at
/// temperature 0. The model then runs again with the chosen values, and that run's trace is the result.
/// </summary>
/// <remarks>
/// Mark the sites with <see cref="Effects.InferConfig.Enumerate"/> or wrap the model in
/// <see cref="Poutine.ConfigEnumerate{TArgs, TOut}"/>. The other latent sites keep the values of the
/// enumerated run: condition a fitted model on its guide first (<c>model.Replay(guideTrace)</c>), as in
/// Pyro. A latent site that is not enumerated but is drawn from a distribution that depends on an
/// enumerated variable cannot be drawn jointly with it and is an error. To draw many posterior samples
/// in one pass, run the model inside a plate of draws.
/// </remarks>
public static class InferDiscrete
{
    /// <summary>The trace and return value of <paramref name="model"/> run with its enumerated sites at a posterior draw (temperature 1) or the joint MAP (temperature 0).</summary>
    /// <param name="model">The model, its discrete latents marked for enumeration.</param>
    /// <param name="args">Its argument.</param>
    /// <param name="temperature">1 to draw from the posterior, 0 for the most probable joint value.</param>
    /// <param name="maxPlateNesting">How many plate dims the model uses; inferred from a plain run when null.</param>
    /// <param name="generator">The generator of the draws at temperature 1; the default one when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">The temperature is neither 0 nor 1, or the plate nesting is negative.</exception>
    /// <exception cref="NotSupportedException">A latent site that is not enumerated depends on an enumerated one.</exception>
    public static (Trace Trace, TOut Value) Run<TArgs, TOut>(Func<TArgs, TOut> model, TArgs args, double temperature = 1, int? maxPlateNesting = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (temperature is not (0 or 1))
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature, "InferDiscrete: the temperature must be 1 (draw from the posterior) or 0 (the joint MAP); other temperatures are not defined for a draw by variable elimination.");
        }

        if (maxPlateNesting is < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxPlateNesting), maxPlateNesting, "InferDiscrete: the plate nesting counts plate dims and cannot be negative.");
        }

        int nesting = maxPlateNesting ?? Vectorization.InferNesting(a => (object?)model(a), null, args);
        var values = Choose(model, args, nesting, maximize: temperature == 0, generator);
        return model.Substitute(values).TraceRun(args);
    }

    /// <summary>
    /// <paramref name="model"/> with its enumerated sites replaced, at each call, by a posterior draw
    /// (temperature 1) or the joint MAP (temperature 0), as <see cref="Run"/> does.
    /// </summary>
    /// <inheritdoc cref="Run" path="/param" />
    public static Func<TArgs, TOut> Model<TArgs, TOut>(Func<TArgs, TOut> model, double temperature = 1, int? maxPlateNesting = null, Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        return args => Run(model, args, temperature, maxPlateNesting, generator).Value;
    }

    /// <summary>The value of every latent site of the enumerated run, the enumerated ones chosen by the backward pass.</summary>
    private static Dictionary<string, Tensor> Choose<TArgs, TOut>(Func<TArgs, TOut> model, TArgs args, int nesting, bool maximize, Generator? generator)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var trace = model.With(() => new EnumMessenger(-(nesting + 1))).GetTrace(args);
        var graph = EnumeratedFactors.Collect(trace, nameof(InferDiscrete), site => site.LogProb());
        var eliminated = new List<EliminatedVariable>();
        PlatedSumProduct.ContractTree(graph.Tree, graph.Variables, maximize, eliminated);
        var chosen = BackwardDraw.Run(eliminated, maximize, generator);

        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var site in trace.LatentSites)
        {
            var record = site.Infer.Enumeration!;
            values[site.Name] = record.Symbol is int symbol
                ? ValueOf(site, chosen[symbol], graph, nesting)
                : Unenumerated(site, record);
        }

        foreach (var value in values.Values)
        {
            value.MoveToOuterDisposeScope();
        }

        return values;
    }

    /// <summary>An enumerated site's value at the chosen indices, shaped as a plain run draws it: its plates at their dims, then the event.</summary>
    private static Tensor ValueOf(Site site, LogFactor index, EnumeratedFactors graph, int nesting)
    {
        var support = site.Value!;
        long count = support.shape[0];
        long[] eventShape = site.Distribution!.EventShape;
        var frames = site.Plates.Where(p => p.IsVectorized).ToList();
        int rank = frames.Select(p => -p.Dim!.Value).DefaultIfEmpty(0).Max();
        long[] labels = new long[rank];
        long[] shape = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            var frame = frames.FirstOrDefault(p => p.Dim == i - rank);
            labels[i] = frame is null ? long.MinValue + i : graph.PlateLabel(frame.Name);
            shape[i] = frame?.SubsampleSize ?? 1;
        }

        var flat = index.AlignedTo(labels).expand(shape).reshape(-1);
        long width = eventShape.Aggregate(1L, (a, b) => a * b);
        var rows = support.reshape(count, width).gather(0, flat.unsqueeze(1).expand(flat.shape[0], width));
        return rows.reshape([.. shape, .. eventShape]);
    }

    /// <summary>A latent site that was not enumerated keeps its value, unless it was drawn once per value of an enumerated variable.</summary>
    private static Tensor Unenumerated(Site site, Effects.EnumerationRecord record)
    {
        var value = site.Value!;
        if (EnumeratedFactors.EnumeratedDimOf(value.shape[..^(site.Distribution?.EventShape.Length ?? 0)], record) is int dim)
        {
            throw new NotSupportedException(
                $"InferDiscrete: latent site '{site.Name}' is not enumerated but was drawn from a distribution that depends on an enumerated variable (value shape {ShapeUtil.Format(value.shape)}, dim {dim}); "
                + "it cannot be drawn jointly with the discrete sites. Replay it from a guide trace (model.Replay(guideTrace)) or enumerate it.");
        }

        return value;
    }
}
