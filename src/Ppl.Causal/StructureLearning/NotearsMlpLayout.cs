namespace Ppl.Causal;

/// <summary>
/// Where each parameter of NOTEARS-MLP's d per-variable networks sits in the flat vector θ that
/// L-BFGS-B optimizes, with θ's box bounds and random start.
/// </summary>
/// <remarks>
/// θ = [W⁺, W⁻, b₁, (V₂, c₂), …, (V_L, c_L)]: the first layer's weights fc1 = W⁺ − W⁻ as
/// [d (target j), m₁, d (input i)], its bias [d, m₁], then for each later layer the locally
/// connected weights [d, m_in, m_out] and biases [d, m_out] (one small layer per variable).
/// </remarks>
internal sealed class NotearsMlpLayout
{
    /// <summary>The layout for d variables and the given hidden widths (the output width 1 is appended).</summary>
    public NotearsMlpLayout(int nodes, IReadOnlyList<int> hidden)
    {
        Nodes = nodes;
        Widths = [.. hidden, 1];
        FirstLayerSize = nodes * Widths[0] * nodes;
        int offset = (2 * FirstLayerSize) + (nodes * Widths[0]);
        var weights = new int[Widths.Length - 1];
        var biases = new int[Widths.Length - 1];
        for (int l = 0; l + 1 < Widths.Length; l++)
        {
            weights[l] = offset;
            offset += nodes * Widths[l] * Widths[l + 1];
            biases[l] = offset;
            offset += nodes * Widths[l + 1];
        }

        LocalWeightOffsets = weights;
        LocalBiasOffsets = biases;
        Size = offset;
    }

    /// <summary>d.</summary>
    public int Nodes { get; }

    /// <summary>[m₁, …, m_L, 1]: each layer's output width.</summary>
    public int[] Widths { get; }

    /// <summary>d·m₁·d, the size of each of W⁺ and W⁻.</summary>
    public int FirstLayerSize { get; }

    /// <summary>Offsets of the locally connected weights [d, Widths[l], Widths[l + 1]].</summary>
    public int[] LocalWeightOffsets { get; }

    /// <summary>Offsets of the locally connected biases [d, Widths[l + 1]].</summary>
    public int[] LocalBiasOffsets { get; }

    /// <summary>The length of θ.</summary>
    public int Size { get; }

    /// <summary>
    /// Bounds: W⁺, W⁻ ≥ 0, except that the weights from input j into variable j's network are
    /// pinned to 0 (no self-loops); everything else is free.
    /// </summary>
    public (double[] Lower, double[] Upper) Bounds()
    {
        var lower = new double[Size];
        var upper = new double[Size];
        Array.Fill(lower, double.NegativeInfinity);
        Array.Fill(upper, double.PositiveInfinity);
        int d = Nodes, m = Widths[0];
        for (int k = 0; k < 2 * FirstLayerSize; k++)
        {
            int cell = k % FirstLayerSize;
            int target = cell / (m * d), input = cell % d;
            lower[k] = 0;
            upper[k] = target == input ? 0 : double.PositiveInfinity;
        }

        return (lower, upper);
    }

    /// <summary>
    /// The start θ₀ drawn as torch.nn.Linear and the reference's LocallyConnected initialize:
    /// U(±1/√fan_in) for weights and biases. W⁺ and W⁻ are drawn like that too and left for the
    /// solver to project onto their bounds, and the first bias is the difference of two such draws
    /// because the reference's W⁺ and W⁻ layers each carry one.
    /// </summary>
    public double[] Initial(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var theta = new double[Size];
        int d = Nodes;
        double first = 1 / Math.Sqrt(d);
        int biasEnd = (2 * FirstLayerSize) + (d * Widths[0]);
        for (int k = 0; k < biasEnd; k++)
        {
            theta[k] = Uniform(random, first);
        }

        for (int k = 2 * FirstLayerSize; k < biasEnd; k++)
        {
            theta[k] -= Uniform(random, first);
        }

        for (int l = 0; l < LocalWeightOffsets.Length; l++)
        {
            double bound = 1 / Math.Sqrt(Widths[l]);
            int end = LocalBiasOffsets[l] + (d * Widths[l + 1]);
            for (int k = LocalWeightOffsets[l]; k < end; k++)
            {
                theta[k] = Uniform(random, bound);
            }
        }

        return theta;
    }

    private static double Uniform(Random random, double bound) => ((2 * random.NextDouble()) - 1) * bound;
}
