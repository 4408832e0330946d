using Ppl.Effects;
using Ppl.Handlers;

namespace Ppl;

public static partial class Primitives
{
    /// <summary>
    /// A loop whose steps depend only on the last <paramref name="history"/> steps (Pyro's
    /// <c>pyro.markov</c>): <c>foreach (var t in Markov(Enumerable.Range(0, T))) { ... }</c>. Under
    /// enumeration (<c>TraceEnumElbo</c>) a discrete latent made at step t is summed out along an
    /// enumeration dim that step t + history + 1 reuses, so a chain of any length needs history + 1
    /// dims and its cost grows linearly. A site must not read a variable older than
    /// <paramref name="history"/> steps: its dim then belongs to another variable. Outside
    /// enumeration it only runs the loop.
    /// </summary>
    /// <param name="steps">The loop's items.</param>
    /// <param name="history">How many later steps may use a step's variables (1: each depends on the one before).</param>
    public static IEnumerable<T> Markov<T>(IEnumerable<T> steps, int history = 1)
    {
        ArgumentNullException.ThrowIfNull(steps);
        ArgumentOutOfRangeException.ThrowIfNegative(history);
        return Iterate(steps, new MarkovLoop(history));

        static IEnumerable<T> Iterate(IEnumerable<T> steps, MarkovLoop loop)
        {
            long index = 0;
            foreach (var item in steps)
            {
                var handler = new MarkovMessenger(new MarkovStep(loop, index++));
                HandlerStack.Push(handler);
                try
                {
                    yield return item;
                }
                finally
                {
                    HandlerStack.Pop(handler);
                }
            }
        }
    }
}
