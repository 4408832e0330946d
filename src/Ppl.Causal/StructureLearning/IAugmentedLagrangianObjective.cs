namespace Ppl.Causal;

/// <summary>An augmented Lagrangian f(x) + ½ρh(x)² + αh(x) whose ρ and α the dual loop moves.</summary>
internal interface IAugmentedLagrangianObjective
{
    /// <summary>The penalty ρ.</summary>
    double Rho { get; set; }

    /// <summary>The multiplier α.</summary>
    double Alpha { get; set; }

    /// <summary>The objective at x, writing its gradient; the signature of <c>BoundedLbfgs.Minimize</c>.</summary>
    double Evaluate(double[] x, double[] gradient);

    /// <summary>The constraint h at x (0 exactly on a DAG).</summary>
    double H(double[] x);
}
