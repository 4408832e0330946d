using Ppl.Effects;

namespace Ppl.Handlers;

/// <summary>
/// Leaves the model at the first sample site for which <c>escapeFn</c> is true (Pyro's
/// <c>escape</c>): the site is marked done and hidden from the handlers outside, the handlers
/// inside finish it (without a value), and then <see cref="NonlocalExitException"/> is thrown
/// with the site. <see cref="Poutine.Queue{TArgs, TOut}"/> builds exhaustive search over
/// discrete sites on it.
/// </summary>
/// <example><code>
/// try { new EscapeMessenger(m => PoutineUtil.DiscreteEscape(new Trace(), m)).Run(() => model(args)); }
/// catch (NonlocalExitException e) { Console.WriteLine(e.Site.Name); }
/// </code></example>
/// <param name="escapeFn">Returns true for the sample site to leave the model at.</param>
public sealed class EscapeMessenger(Func<Message, bool> escapeFn) : Messenger
{
    private readonly Func<Message, bool> _escapeFn = escapeFn ?? throw new ArgumentNullException(nameof(escapeFn));

    /// <inheritdoc />
    protected override void OnSample(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_escapeFn(message))
        {
            message.Done = true;
            message.Stop = true;
            message.Continuation = static m => throw new NonlocalExitException(m);
        }
    }
}
