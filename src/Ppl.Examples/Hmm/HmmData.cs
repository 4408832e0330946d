using static TorchSharp.torch;

namespace Ppl.Examples.Hmm;

/// <summary>
/// A simulated hidden Markov chain with Gaussian emissions: the first state uniform, each next one
/// drawn from row <c>state</c> of <see cref="TrueTransition"/>, each observation from
/// Normal(<see cref="TrueLocs"/>[state], <see cref="TrueScale"/>). The states are kept as the truth.
/// </summary>
/// <param name="X">The observations, [T] float32.</param>
/// <param name="States">The hidden state of every step.</param>
internal sealed record HmmData(Tensor X, long[] States)
{
    /// <summary>The simulation's transition matrix: row i holds P(next state | state i).</summary>
    public static readonly double[,] TrueTransition = { { 0.90, 0.07, 0.03 }, { 0.10, 0.80, 0.10 }, { 0.04, 0.08, 0.88 } };

    /// <summary>The emission means per state.</summary>
    public static readonly double[] TrueLocs = [-2.0, 0.0, 2.5];

    /// <summary>The emissions' shared standard deviation.</summary>
    public const double TrueScale = 0.9;

    /// <summary>The number of hidden states.</summary>
    public static int K => TrueLocs.Length;

    /// <summary>The number of steps.</summary>
    public int Steps => States.Length;

    /// <summary>The observations as doubles.</summary>
    public double[] Observations => X.to_type(ScalarType.Float64).data<double>().ToArray();

    /// <summary>A chain of <paramref name="steps"/> steps drawn with <paramref name="generator"/>, its tensors in the caller's dispose scope.</summary>
    public static HmmData Simulate(int steps, Generator generator)
    {
        double[] u = rand([steps], dtype: ScalarType.Float64, generator: generator).data<double>().ToArray();
        var states = new long[steps];
        for (int t = 0; t < steps; t++)
        {
            // inverse-CDF draw from the uniform start or the previous state's row
            double[] row = t == 0 ? [.. Enumerable.Repeat(1.0 / K, K)] : [.. Enumerable.Range(0, K).Select(j => TrueTransition[states[t - 1], j])];
            int s = 0;
            for (double cumulative = row[0]; u[t] > cumulative && s < K - 1; cumulative += row[++s])
            {
            }

            states[t] = s;
        }

        var x = tensor(TrueLocs).index(tensor(states)).add(randn([steps], dtype: ScalarType.Float64, generator: generator).mul(TrueScale));
        return new HmmData(x.to_type(ScalarType.Float32), states);
    }

    /// <summary>The true parameters as the model's sites: <c>transition</c> [K, K], <c>locs</c> [K], <c>scale</c> [].</summary>
    public static Dictionary<string, Tensor> TrueSites() => new(StringComparer.Ordinal)
    {
        ["transition"] = tensor(TrueTransition).to_type(ScalarType.Float32),
        ["locs"] = tensor(TrueLocs).to_type(ScalarType.Float32),
        ["scale"] = tensor((float)TrueScale),
    };
}
