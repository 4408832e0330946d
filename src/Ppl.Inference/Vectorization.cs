using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Inference;

/// <summary>Running many draws of a program in one pass along an outer plate (particles, predictive samples, importance samples).</summary>
internal static class Vectorization
{
    /// <summary>
    /// The number of batch dims any site of the guide, or of the model replayed on it, uses in one
    /// plain run: the deepest vectorized plate or the longest batch shape, whichever is larger,
    /// so an outer plate left of it cannot collide with the program's own dims.
    /// </summary>
    public static int InferNesting<TArgs>(Func<TArgs, object?> model, Func<TArgs, object?>? guide, TArgs args)
    {
        using var scope = NewDisposeScope();
        using (no_grad())
        {
            IEnumerable<Site> sites;
            if (guide is null)
            {
                sites = model.GetTrace(args).SampleSites;
            }
            else
            {
                var (guideTrace, modelTrace, _) = GuideThenModel.Run(model, guide, args, new GuideThenModelOptions());
                sites = guideTrace.SampleSites.Concat(modelTrace.SampleSites);
            }

            return sites
                .Select(s => Math.Max(
                    s.Plates.Where(p => p.IsVectorized).Select(p => -p.Dim!.Value).DefaultIfEmpty(0).Max(),
                    s.Distribution?.BatchShape.Length ?? 0))
                .DefaultIfEmpty(0)
                .Max();
        }
    }

    /// <summary>The program run inside a plate named <paramref name="name"/> of the layout's size at its dim (unchanged for a sequential layout).</summary>
    public static Func<TArgs, object?> InPlate<TArgs>(Func<TArgs, object?> program, string name, ParticleLayout layout) =>
        layout.Dim is not int dim
            ? program
            : a =>
            {
                using var plate = Plate(name, layout.Count, dim: dim);
                return program(a);
            };
}
