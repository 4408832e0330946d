using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>Copies between float64 tensors and host <c>double[,]</c> matrices, with shape checks that name the caller.</summary>
internal static class HostMatrix
{
    /// <summary>The entries of a 2-D tensor as a row-major host matrix (any float dtype, any device).</summary>
    public static double[,] ToArray(Tensor t, string site, string name)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (t.dim() != 2)
        {
            throw new ArgumentException($"{site}: {name} must be 2-D; got shape [{string.Join(", ", t.shape)}].", name);
        }

        int rows = (int)t.shape[0], cols = (int)t.shape[1];
        using var scope = NewDisposeScope();
        var host = t.detach().to(float64).cpu().contiguous();
        var flat = host.data<double>().ToArray();
        var result = new double[rows, cols];
        Buffer.BlockCopy(flat, 0, result, 0, flat.Length * sizeof(double));
        return result;
    }

    /// <summary>The entries of a square 2-D tensor (a d × d weight or adjacency matrix) as a host matrix.</summary>
    public static double[,] Square(Tensor t, string site, string name)
    {
        var a = ToArray(t, site, name);
        if (a.GetLength(0) != a.GetLength(1))
        {
            throw new ArgumentException($"{site}: {name} must be square [d, d] (W[i, j] ≠ 0 means edge i → j); got shape [{a.GetLength(0)}, {a.GetLength(1)}].", name);
        }

        return a;
    }

    /// <summary>A float64 CPU tensor holding a copy of a host matrix.</summary>
    public static Tensor ToTensor(double[,] a)
    {
        int rows = a.GetLength(0), cols = a.GetLength(1);
        var flat = new double[rows * cols];
        Buffer.BlockCopy(a, 0, flat, 0, flat.Length * sizeof(double));
        return tensor(flat, [rows, cols], dtype: float64);
    }
}
