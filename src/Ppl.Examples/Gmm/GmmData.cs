using static TorchSharp.torch;

namespace Ppl.Examples.Gmm;

/// <summary>
/// Simulated one-dimensional data from a mixture of Gaussians with known assignments: each point's
/// component is drawn with probabilities <see cref="TrueWeights"/>, then the point from
/// Normal(<see cref="TrueLocs"/>[component], <see cref="TrueScale"/>).
/// </summary>
/// <param name="X">The points, [N] float32.</param>
/// <param name="Truth">Each point's component.</param>
internal sealed record GmmData(Tensor X, long[] Truth)
{
    /// <summary>The mixture weights of the simulation.</summary>
    public static readonly double[] TrueWeights = [0.3, 0.45, 0.25];

    /// <summary>The component means of the simulation.</summary>
    public static readonly double[] TrueLocs = [-5.0, 0.0, 6.0];

    /// <summary>The components' shared standard deviation.</summary>
    public const double TrueScale = 1.0;

    /// <summary>The number of components.</summary>
    public static int K => TrueWeights.Length;

    /// <summary>The number of points.</summary>
    public int Count => Truth.Length;

    /// <summary>The points as doubles.</summary>
    public double[] Points => X.to_type(ScalarType.Float64).data<double>().ToArray();

    /// <summary><paramref name="n"/> points drawn with <paramref name="generator"/>, as tensors of the caller's dispose scope.</summary>
    public static GmmData Simulate(int n, Generator generator)
    {
        var z = multinomial(tensor(TrueWeights), n, replacement: true, generator: generator);
        var x = tensor(TrueLocs).index(z).add(randn([n], dtype: ScalarType.Float64, generator: generator).mul(TrueScale));
        return new GmmData(x.to_type(ScalarType.Float32), z.data<long>().ToArray());
    }
}
