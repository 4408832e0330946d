using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// The augmented Lagrangian NOTEARS-MLP minimizes in each inner solve, over the flat parameter
/// vector θ of <see cref="NotearsMlpLayout"/>:
/// ½n⁻¹‖X − f(X)‖² + λ₁Σ(W⁺ + W⁻) + ½λ₂Σ(weights²) + ½ρh² + αh, with h = tr(exp(S)) − d and
/// S[i, j] = Σₖ fc1[j, k, i]² (= A∘A). Value and gradient (by autograd) in float64 on the CPU.
/// </summary>
internal sealed class NotearsMlpObjective : IAugmentedLagrangianObjective
{
    private readonly Tensor targets;
    private readonly Tensor inputs;
    private readonly Tensor identity;
    private readonly double lambda1;
    private readonly double lambda2;

    /// <summary>The objective on X (an owned float64 CPU [n, d] tensor; it must outlive this object).</summary>
    public NotearsMlpObjective(Tensor data, IReadOnlyList<int> hidden, double lambda1, double lambda2)
    {
        inputs = data;
        targets = data.T.contiguous();
        int d = (int)data.shape[1];
        identity = eye(d, dtype: float64);
        Layout = new NotearsMlpLayout(d, hidden);
        this.lambda1 = lambda1;
        this.lambda2 = lambda2;
    }

    /// <summary>Where each parameter sits in θ.</summary>
    public NotearsMlpLayout Layout { get; }

    /// <summary>The penalty ρ.</summary>
    public double Rho { get; set; } = 1.0;

    /// <summary>The multiplier α.</summary>
    public double Alpha { get; set; }

    /// <summary>The objective at θ, writing its gradient; the signature of <c>BoundedLbfgs.Minimize</c>.</summary>
    public double Evaluate(double[] theta, double[] gradient)
    {
        using var scope = NewDisposeScope();
        var t = tensor(theta, dtype: float64).requires_grad_(true);
        var fc1 = FirstLayer(t);
        var residual = Forward(t, fc1).sub(targets);
        var l2 = fc1.square().sum();
        for (int l = 0; l < Layout.LocalWeightOffsets.Length; l++)
        {
            l2 = l2.add(LocalWeight(t, l).square().sum());
        }

        var h = H(fc1);
        var terms = stack([residual.square().sum(), t.narrow(0, 0, 2 * Layout.FirstLayerSize).sum(), l2, h.square(), h]);
        var coefficients = tensor(new[] { 0.5 / inputs.shape[0], lambda1, 0.5 * lambda2, 0.5 * Rho, Alpha }, dtype: float64);
        var value = terms.dot(coefficients);
        value.backward();
        t.grad!.data<double>().CopyTo(gradient);
        return value.item<double>();
    }

    /// <summary>h at θ.</summary>
    public double H(double[] theta)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return H(FirstLayer(tensor(theta, dtype: float64))).item<double>();
    }

    /// <summary>A[i, j] = √S[i, j], the strength of i → j, as a float64 [d, d] tensor of the caller's scope.</summary>
    public Tensor Adjacency(double[] theta)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return Squares(FirstLayer(tensor(theta, dtype: float64))).sqrt().MoveToOuterDisposeScope();
    }

    /// <summary>f(X) at θ, transposed: [d, n], row j being variable j's network on every sample.</summary>
    public Tensor Predict(double[] theta)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var t = tensor(theta, dtype: float64);
        return Forward(t, FirstLayer(t)).MoveToOuterDisposeScope();
    }

    /// <summary>fc1 = W⁺ − W⁻ as [d·m₁, d]: row j·m₁ + k holds hidden unit k of variable j's network.</summary>
    private Tensor FirstLayer(Tensor t)
    {
        int size = Layout.FirstLayerSize, d = Layout.Nodes;
        return t.narrow(0, 0, size).sub(t.narrow(0, size, size)).view(d * Layout.Widths[0], d);
    }

    private Tensor LocalWeight(Tensor t, int l)
    {
        int d = Layout.Nodes, mIn = Layout.Widths[l], mOut = Layout.Widths[l + 1];
        return t.narrow(0, Layout.LocalWeightOffsets[l], d * mIn * mOut).view(d, mIn, mOut);
    }

    /// <summary>All d networks at once: the first layer is one dense product, the later ones batched over variables.</summary>
    private Tensor Forward(Tensor t, Tensor fc1)
    {
        int d = Layout.Nodes, m1 = Layout.Widths[0];
        long n = inputs.shape[0];
        var bias = t.narrow(0, 2 * Layout.FirstLayerSize, d * m1);
        var hidden = inputs.CheckedMatMul(fc1.T).add(bias).view(n, d, m1).permute(1, 0, 2);
        for (int l = 0; l < Layout.LocalWeightOffsets.Length; l++)
        {
            int mOut = Layout.Widths[l + 1];
            var localBias = t.narrow(0, Layout.LocalBiasOffsets[l], d * mOut).view(d, 1, mOut);
            hidden = bmm(hidden.sigmoid(), LocalWeight(t, l)).add(localBias);
        }

        return hidden.squeeze(-1);
    }

    /// <summary>S = A∘A, [d, d] with S[i, j] the squared norm of the weights from input i into variable j's network.</summary>
    private Tensor Squares(Tensor fc1)
    {
        int d = Layout.Nodes;
        return fc1.view(d, Layout.Widths[0], d).square().sum([1L]).T;
    }

    private Tensor H(Tensor fc1) => linalg.matrix_exp(Squares(fc1)).sub(identity).trace();
}
