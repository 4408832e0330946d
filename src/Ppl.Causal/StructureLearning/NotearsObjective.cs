using static TorchSharp.torch;

namespace Ppl.Causal;

/// <summary>
/// The augmented Lagrangian NOTEARS minimizes in each inner solve, over w = [W⁺, W⁻] (2d² entries,
/// W = W⁺ − W⁻): loss(W) + ½ρh(W)² + αh(W) + λ₁Σw, with value and gradient in float64 on the CPU.
/// </summary>
internal sealed class NotearsObjective : IAugmentedLagrangianObjective
{
    private readonly Tensor? covariance;
    private readonly Tensor? data;
    private readonly NotearsLoss loss;
    private readonly double lambda1;

    /// <summary>The least-squares objective through the second-moment matrix C = XᵀX/n of centred X (an owned float64 [d, d] tensor).</summary>
    public NotearsObjective(Tensor covariance, double lambda1)
    {
        this.covariance = covariance;
        loss = NotearsLoss.LeastSquares;
        this.lambda1 = lambda1;
        Nodes = (int)covariance.shape[0];
    }

    /// <summary>The objective on the data X (an owned float64 [n, d] tensor) for any loss.</summary>
    public NotearsObjective(Tensor data, NotearsLoss loss, double lambda1)
    {
        this.data = data;
        this.loss = loss;
        this.lambda1 = lambda1;
        Nodes = (int)data.shape[1];
    }

    /// <summary>d.</summary>
    public int Nodes { get; }

    /// <summary>The penalty ρ.</summary>
    public double Rho { get; set; } = 1.0;

    /// <summary>The multiplier α.</summary>
    public double Alpha { get; set; }

    /// <summary>W = W⁺ − W⁻ as a float64 [d, d] tensor of the caller's scope.</summary>
    public Tensor Adjacency(IReadOnlyList<double> w)
    {
        int d = Nodes;
        var array = w as double[] ?? [.. w];
        var both = tensor(array, [2, d, d], dtype: float64);
        return both[0].sub(both[1]);
    }

    /// <summary>The objective at w, writing its gradient; the signature of <c>BoundedLbfgs.Minimize</c>.</summary>
    public double Evaluate(double[] w, double[] gradient)
    {
        using var scope = NewDisposeScope();
        var weights = Adjacency(w);
        var (value, lossGradient) = Loss(weights);
        var (h, hGradient) = Acyclicity.Evaluate(weights);
        double hv = h.item<double>();
        double objective = value + (0.5 * Rho * hv * hv) + (Alpha * hv) + (lambda1 * w.Sum());
        var smooth = lossGradient.add(hGradient.mul((Rho * hv) + Alpha));
        var full = cat([smooth.add(lambda1).flatten(), smooth.neg().add(lambda1).flatten()], 0);
        full.data<double>().CopyTo(gradient); // straight into the solver's array: a ToArray() copy of 2d² doubles per call filled the large-object heap
        return objective;
    }

    /// <inheritdoc />
    public double H(double[] x)
    {
        using var scope = NewDisposeScope();
        return Acyclicity.Evaluate(Adjacency(x)).H.item<double>();
    }

    /// <summary>The loss and its gradient in W.</summary>
    private (double Value, Tensor Gradient) Loss(Tensor w)
    {
        if (covariance is not null)
        {
            // ½n⁻¹‖X(I − W)‖² = ½ tr((I − W)ᵀ C (I − W)); gradient −C(I − W)
            var residual = eye(Nodes, dtype: float64).sub(w);
            var cr = covariance.CheckedMatMul(residual);
            return (0.5 * residual.mul(cr).sum().item<double>(), cr.neg());
        }

        var x = data!;
        double n = x.shape[0];
        var m = x.CheckedMatMul(w);
        return loss switch
        {
            NotearsLoss.Logistic => (
                m.relu().add(m.abs().neg().exp().log1p()).sub(x.mul(m)).sum().item<double>() / n,
                x.T.CheckedMatMul(m.sigmoid().sub(x)).div(n)),
            NotearsLoss.Poisson => PoissonLoss(x, m, n),
            _ => LeastSquares(x, w, n),
        };
    }

    private static (double, Tensor) PoissonLoss(Tensor x, Tensor m, double n)
    {
        var s = m.exp();
        return (s.sub(x.mul(m)).sum().item<double>() / n, x.T.CheckedMatMul(s.sub(x)).div(n));
    }

    private static (double, Tensor) LeastSquares(Tensor x, Tensor w, double n)
    {
        var r = x.sub(x.CheckedMatMul(w));
        return (0.5 * r.square().sum().item<double>() / n, x.T.CheckedMatMul(r).div(-n));
    }
}
