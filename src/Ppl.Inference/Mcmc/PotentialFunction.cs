namespace Ppl.Inference.Mcmc;

/// <summary>
/// U(q) and ∇U(q) at an unconstrained position q of length D: the energy (+∞ where the density
/// vanishes or is not a number) and the gradient.
/// </summary>
public delegate (double Energy, double[] Gradient) PotentialFunction(double[] position);
