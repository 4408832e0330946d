namespace Ppl.Effects;

/// <summary>
/// Base of every effect handler. <see cref="Runtime.ApplyStack"/> calls <see cref="Process"/> from the
/// innermost handler outwards and <see cref="Postprocess"/> back over the handlers it reached;
/// the defaults dispatch on <see cref="Message.Kind"/> to the <c>On…</c> hooks.
/// </summary>
public abstract class Messenger
{
    /// <summary>Installs this handler innermost on the current thread until the returned scope is disposed.</summary>
    /// <example><code>using (new TraceMessenger().Install()) { model(); }</code></example>
    public HandlerScope Install()
    {
        HandlerStack.Push(this);
        try
        {
            OnInstalled();
        }
        catch
        {
            HandlerStack.Pop(this);
            throw;
        }

        return new HandlerScope(this);
    }

    /// <summary>Runs <paramref name="body"/> with this handler installed.</summary>
    public T Run<T>(Func<T> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        using (Install())
        {
            return body();
        }
    }

    /// <summary>
    /// True for a handler that keeps site values after the site returns (a trace). While one is
    /// installed a program must not free the tensors it passes to sites; ask
    /// <see cref="HandlerStack.RetainsValues"/> rather than looking for handler types.
    /// </summary>
    public virtual bool RetainsValues => false;

    /// <summary>
    /// True for a handler that changes how a sample site draws before it draws (the generator it
    /// draws with, the batch shape of its distribution). Code that draws several sites at once on
    /// their behalf must not while one is installed; ask <see cref="HandlerStack.AltersDraws"/>.
    /// </summary>
    public virtual bool AltersDraws => false;

    /// <summary>
    /// Adds what this handler knows to a <see cref="HandlerStack.EnclosingPlates"/> query: a plate
    /// reports itself, a trace itself as the record of the run's plates; other handlers nothing.
    /// </summary>
    internal virtual void AnswerPlateQuery(PlateQuery query)
    {
    }

    /// <summary>Called when installed; handlers that hold per-installation state reset it here.</summary>
    protected virtual void OnInstalled()
    {
    }

    /// <summary>Called when uninstalled; handlers release per-installation resources here.</summary>
    protected internal virtual void OnUninstalled()
    {
    }

    /// <summary>
    /// Called when the run the handler is part of was abandoned by a
    /// <see cref="Handlers.NonlocalExitException"/> and is about to be retried
    /// (<see cref="Poutine.Queue{TArgs, TOut}"/>; Pyro's <c>_reset</c>): handlers that collect
    /// per-run state start over here, as <see cref="Handlers.TraceMessenger"/> starts a new trace.
    /// </summary>
    protected internal virtual void OnReset()
    {
    }

    /// <summary>First pass, innermost handler first. Set <see cref="Message.Stop"/> to hide the message from outer handlers.</summary>
    protected internal virtual void Process(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Kind == SiteKind.Sample)
        {
            OnSample(message);
        }
        else if (message.Kind == SiteKind.Param)
        {
            OnParam(message);
        }
        else if (message.Kind == SiteKind.Deterministic)
        {
            OnDeterministic(message);
        }
        else if (message.Kind == SiteKind.Plate)
        {
            OnPlate(message);
        }
        else
        {
            OnOther(message);
        }
    }

    /// <summary>Second pass, over the handlers the first pass reached, outermost first.</summary>
    protected internal virtual void Postprocess(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Kind == SiteKind.Sample)
        {
            OnPostSample(message);
        }
        else if (message.Kind == SiteKind.Param)
        {
            OnPostParam(message);
        }
        else if (message.Kind == SiteKind.Deterministic)
        {
            OnPostDeterministic(message);
        }
        else if (message.Kind == SiteKind.Plate)
        {
            OnPostPlate(message);
        }
        else
        {
            OnPostOther(message);
        }
    }

    /// <summary>Hook for sample sites (first pass).</summary>
    protected virtual void OnSample(Message message)
    {
    }

    /// <summary>Hook for param sites (first pass).</summary>
    protected virtual void OnParam(Message message)
    {
    }

    /// <summary>Hook for deterministic sites (first pass).</summary>
    protected virtual void OnDeterministic(Message message)
    {
    }

    /// <summary>Hook for plate allocation messages (first pass).</summary>
    protected virtual void OnPlate(Message message)
    {
    }

    /// <summary>Hook for effects of other kinds (first pass).</summary>
    protected virtual void OnOther(Message message)
    {
    }

    /// <summary>Hook for sample sites (second pass).</summary>
    protected virtual void OnPostSample(Message message)
    {
    }

    /// <summary>Hook for param sites (second pass).</summary>
    protected virtual void OnPostParam(Message message)
    {
    }

    /// <summary>Hook for deterministic sites (second pass).</summary>
    protected virtual void OnPostDeterministic(Message message)
    {
    }

    /// <summary>Hook for plate allocation messages (second pass).</summary>
    protected virtual void OnPostPlate(Message message)
    {
    }

    /// <summary>Hook for effects of other kinds (second pass).</summary>
    protected virtual void OnPostOther(Message message)
    {
    }

    /// <inheritdoc />
    public override string ToString() => GetType().Name;
}
