namespace Ppl.Effects;

/// <summary>
/// The token <see cref="Messenger.Install"/> returns; disposing it uninstalls the handler. A ref
/// struct, so the compiler refuses to keep it across an <c>await</c> or in a field: a handler
/// must unwind in the scope that installed it.
/// </summary>
public readonly ref struct HandlerScope
{
    private readonly Messenger? _handler;

    internal HandlerScope(Messenger handler) => _handler = handler;

    /// <summary>Uninstalls the handler; throws if handlers installed later are still active.</summary>
    public void Dispose()
    {
        if (_handler is null)
        {
            return;
        }

        try
        {
            HandlerStack.Pop(_handler);
        }
        finally
        {
            _handler.OnUninstalled();
        }
    }
}
