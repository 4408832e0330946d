namespace Ppl.Causal;

/// <summary>How a linear SEM turns a node's parents into its value (the reference's <c>sem_type</c>).</summary>
public enum SemNoise
{
    /// <summary>xⱼ = Xw + z with z ~ N(0, scale²).</summary>
    Gaussian,

    /// <summary>xⱼ = Xw + z with z ~ Exponential(mean scale) (not centred, as in the reference).</summary>
    Exponential,

    /// <summary>xⱼ = Xw + z with z ~ Gumbel(location 0, scale) (not centred, as in the reference).</summary>
    Gumbel,

    /// <summary>xⱼ ~ Bernoulli(σ(Xw)): binary data for the logistic loss (the scale is ignored).</summary>
    Logistic,
}
