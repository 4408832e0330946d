namespace Ppl.Effects;

/// <summary>How an inference algorithm sums a discrete latent out (Pyro's <c>infer={"enumerate": ...}</c>).</summary>
public enum EnumerateMode
{
    /// <summary>All values at once, along a batch dim of their own left of every plate (Pyro's <c>"parallel"</c>).</summary>
    Parallel,

    /// <summary>One value per run of the program (Pyro's <c>"sequential"</c>).</summary>
    Sequential,
}
