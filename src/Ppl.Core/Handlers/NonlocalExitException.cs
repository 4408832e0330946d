using Ppl.Effects;

namespace Ppl.Handlers;

/// <summary>
/// Thrown by <see cref="EscapeMessenger"/> to leave a model at a site (Pyro's <c>NonlocalExit</c>).
/// <see cref="Site"/> is the site as it stood when the model was left: distribution, plates,
/// masks and hints, no value. The handlers installed inside the escape have seen the site
/// end (an inner trace records it without a value); those outside it never saw it.
/// </summary>
public sealed class NonlocalExitException : Exception
{
    /// <summary>Creates the exception for the site of <paramref name="message"/>.</summary>
    public NonlocalExitException(Message message)
        : base($"Nonlocal exit at {Describe(message)}.")
    {
        ArgumentNullException.ThrowIfNull(message);
        Site = Site.From(message);
        SiteMessage = message;
    }

    /// <summary>Creates the exception without a site (for serializers and tests).</summary>
    public NonlocalExitException()
        : this("Nonlocal exit.")
    {
    }

    /// <summary>Creates the exception with a message and no site.</summary>
    public NonlocalExitException(string message)
        : base(message)
    {
        Site = new Site { Name = "", Kind = SiteKind.Sample };
    }

    /// <summary>Creates the exception with a message, an inner exception and no site.</summary>
    public NonlocalExitException(string message, Exception innerException)
        : base(message, innerException)
    {
        Site = new Site { Name = "", Kind = SiteKind.Sample };
    }

    /// <summary>The site the model was left at.</summary>
    public Site Site { get; }

    /// <summary>The message of the site, for <see cref="ResetStack"/>'s block test; null when made without one.</summary>
    internal Message? SiteMessage { get; }

    /// <summary>
    /// Tells the installed handlers, innermost first, that the run is abandoned
    /// (<see cref="Messenger.OnReset"/>), up to and including the first <see cref="BlockMessenger"/>
    /// that hides the site (Pyro's <c>NonlocalExit.reset_stack</c>): handlers outside that block
    /// never saw the run's sites. Call it where the exception is caught, before retrying.
    /// </summary>
    public void ResetStack()
    {
        var stack = HandlerStack.Snapshot();
        for (int i = stack.Length - 1; i >= 0; i--)
        {
            stack[i].OnReset();
            if (SiteMessage is not null && stack[i] is BlockMessenger block && block.Hides(SiteMessage))
            {
                break;
            }
        }
    }

    private static string Describe(Message? message) => message is null ? "a site" : $"site '{message.Name}'";
}
