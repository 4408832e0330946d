using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// NOTEARS' smooth acyclicity function h(W) = tr(exp(W∘W)) − d: zero exactly when the graph of W's
/// nonzero entries is a DAG, positive otherwise (Zheng et al. 2018, Theorem 1).
/// </summary>
public static class Acyclicity
{
    /// <summary>h(W) = tr(exp(W∘W)) − d, computed in float64.</summary>
    /// <param name="weights">A square [d, d] matrix.</param>
    /// <exception cref="ArgumentException">The matrix is not square 2-D.</exception>
    public static double Value(Tensor weights)
    {
        Check(weights, "Acyclicity.Value");
        using var scope = NewDisposeScope();
        return Evaluate(weights.to(float64)).H.item<double>();
    }

    /// <summary>∇h(W) = exp(W∘W)ᵀ ∘ 2W, a float64 [d, d] tensor.</summary>
    /// <param name="weights">A square [d, d] matrix.</param>
    /// <exception cref="ArgumentException">The matrix is not square 2-D.</exception>
    public static Tensor Gradient(Tensor weights)
    {
        Check(weights, "Acyclicity.Gradient");
        using var scope = NewDisposeScope();
        return Evaluate(weights.to(float64)).Gradient.MoveToOuterDisposeScope();
    }

    /// <summary>h and ∇h of a float64 [d, d] tensor; tensors of the caller's scope.</summary>
    internal static (Tensor H, Tensor Gradient) Evaluate(Tensor w)
    {
        var e = linalg.matrix_exp(w.mul(w));
        return (e.trace().sub(w.shape[0]), e.T.mul(w).mul(2.0));
    }

    private static void Check(Tensor weights, string site)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.dim() != 2 || weights.shape[0] != weights.shape[1])
        {
            throw new ArgumentException($"{site}: W must be a square [d, d] matrix; got shape [{string.Join(", ", weights.shape)}].", nameof(weights));
        }
    }
}
