namespace Ppl.Inference.Mcmc;

/// <summary>One chain's kept positions, transition statistics and adapted step size and inverse metric.</summary>
internal sealed record ChainDraws(double[][] Positions, TransitionStats[] Warmup, TransitionStats[] Sampling, double StepSize, double[] Metric);
