using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Inference.Enumeration;

/// <summary>
/// The backward pass of variable elimination: the variables taken in the reverse of the order they were
/// eliminated in, each drawn from (or maximized over) the product of factors it was eliminated from,
/// sliced at the values already chosen for the variables eliminated after it. After a sum-product this
/// draws the variables jointly from their exact posterior (forward filtering, backward sampling); after a
/// max-product it recovers the joint maximum (Viterbi's traceback).
/// </summary>
internal static class BackwardDraw
{
    /// <summary>Each variable's chosen index into its support, a factor whose dims are the plates it lies in.</summary>
    /// <param name="eliminated">The elimination steps, in elimination order.</param>
    /// <param name="maximize">Take the most probable value (the steps came from a max-product) instead of drawing.</param>
    /// <param name="generator">The generator of the draws; the default one when null.</param>
    public static Dictionary<long, LogFactor> Run(IReadOnlyList<EliminatedVariable> eliminated, bool maximize, Generator? generator)
    {
        var chosen = new Dictionary<long, LogFactor>();
        for (int i = eliminated.Count - 1; i >= 0; i--)
        {
            var (label, product) = eliminated[i];
            var value = product.Value;
            var labels = product.Labels.ToList();
            foreach (long other in product.Labels.Where(l => l != label && l >= 0))
            {
                if (!chosen.TryGetValue(other, out var index))
                {
                    throw new InvalidOperationException($"Enumeration: variable {other} shares a factor with variable {label} but was eliminated before it; the backward pass cannot slice at it.");
                }

                int axis = labels.IndexOf(other);
                value = value.gather(axis, Slice(index, labels, value.shape, axis)).squeeze(axis);
                labels.RemoveAt(axis);
            }

            int own = labels.IndexOf(label);
            var scores = maximize ? value : value.add(new Gumbel(zeros_like(value), 1.0).Sample(generator));
            labels.RemoveAt(own);
            chosen[label] = new LogFactor(scores.argmax(own), [.. labels]);
        }

        return chosen;
    }

    /// <summary>The chosen indices of a variable laid out to pick, along <paramref name="axis"/>, one entry of a tensor of <paramref name="shape"/> whose dims are <paramref name="labels"/>.</summary>
    private static Tensor Slice(LogFactor index, List<long> labels, long[] shape, int axis)
    {
        if (index.Labels.Any(l => !labels.Contains(l)))
        {
            throw new InvalidOperationException($"Enumeration: a variable chosen in plates {{{string.Join(", ", index.Labels)}}} is read by a factor in plates {{{string.Join(", ", labels.Where(l => l < 0))}}} that lacks some of them.");
        }

        long[] target = [.. shape];
        target[axis] = 1;
        return index.AlignedTo([.. labels]).expand(target);
    }
}
