namespace Ppl.Effects;

/// <summary>Sends messages through the current thread's handler stack.</summary>
public static class Runtime
{
    /// <summary>
    /// Pyro's <c>apply_stack</c>:
    /// <list type="number">
    /// <item>walk the handlers innermost to outermost calling <see cref="Messenger.Process"/>, ending after one sets <see cref="Message.Stop"/>;</item>
    /// <item>default behaviour: unless the message is done, observed or has a value, <see cref="Message.DefaultBehavior"/> computes the value;</item>
    /// <item>the actions registered with <see cref="Message.AfterValue"/> run;</item>
    /// <item>walk the handlers reached in step 1 outermost to innermost calling <see cref="Messenger.Postprocess"/>;</item>
    /// <item>call the message's <see cref="Message.Continuation"/>, if any.</item>
    /// </list>
    /// Handlers may re-enter (the Do handler applies a copy of the message); each call works on its own snapshot of the stack.
    /// </summary>
    public static Message ApplyStack(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var stack = HandlerStack.Snapshot();
        int reached = 0;
        for (int i = stack.Length - 1; i >= 0; i--)
        {
            reached++;
            stack[i].Process(message);
            if (message.Stop)
            {
                break;
            }
        }

        if (message.Done || message.IsObserved || message.Value is not null)
        {
            message.Done = true;
        }
        else if (message.DefaultBehavior is not null)
        {
            message.Value = message.DefaultBehavior(message);
            message.Done = true;
        }

        message.RunAfterValue();
        for (int i = stack.Length - reached; i < stack.Length; i++)
        {
            stack[i].Postprocess(message);
        }

        message.Continuation?.Invoke(message);
        return message;
    }
}
