namespace Ppl.Inference.Mcmc;

/// <summary>
/// U and ∇U of several chains' positions in one evaluation (vectorized chains): one position of length D
/// per chain in, one energy and one gradient per chain out.
/// </summary>
public delegate (double[] Energies, double[][] Gradients) BatchPotentialFunction(double[][] positions);
