namespace Ppl.Handlers;

/// <summary>One step of a <see cref="Primitives.Markov{T}"/> loop: the loop (its identity and history) and the step's index.</summary>
/// <param name="Loop">The loop; steps of one loop share it.</param>
/// <param name="Step">The step's index, from 0.</param>
internal sealed record MarkovStep(MarkovLoop Loop, long Step);

/// <summary>A <see cref="Primitives.Markov{T}"/> loop: a variable made at step t is visible to steps t … t + <see cref="History"/>.</summary>
/// <param name="History">How many later steps a step's variables may be used in.</param>
internal sealed class MarkovLoop(int History)
{
    /// <summary>How many later steps a step's variables may be used in.</summary>
    public int History { get; } = History;
}
