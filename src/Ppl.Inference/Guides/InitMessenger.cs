using Ppl.Distributions;
using Ppl.Effects;

namespace Ppl.Inference.Guides;

/// <summary>
/// Sets every latent continuous sample site to the value an <see cref="InitStrategy"/> picks
/// (Pyro's <c>InitMessenger</c>). Observed sites, sites that already have a value and discrete
/// sites (which autoguides reject afterwards, with the site's name) are left alone. The strategy
/// gets the site's generator, so install a seed inside this handler to make random strategies repeat.
/// </summary>
/// <param name="strategy">Chooses each latent's value.</param>
public sealed class InitMessenger(InitStrategy strategy) : Messenger
{
    private readonly InitStrategy _strategy = strategy ?? throw new ArgumentNullException(nameof(strategy));

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The strategy returned a value of the wrong shape.</exception>
    protected override void OnSample(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.IsObserved || message.Value is not null || message.Distribution is not { } d || d.Support.IsDiscrete)
        {
            return;
        }

        var value = _strategy(message.Name, d, message.ResolveGenerator());
        long[] expected = [.. d.BatchShape, .. d.EventShape];
        if (!ShapeUtil.SameShape(value.Shape(), expected))
        {
            throw new InvalidOperationException(
                $"Init strategy gave site '{message.Name}' a value of shape {ShapeUtil.Format(value.Shape())}; the site needs {ShapeUtil.Format(expected)}.");
        }

        message.Value = value;
        message.Done = true;
    }
}
