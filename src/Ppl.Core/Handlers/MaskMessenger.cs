using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl.Handlers;

/// <summary>
/// Masks the log-density of sample sites inside it (Pyro's <c>mask</c>): entries where the
/// boolean mask is false contribute nothing. Masks nest by logical and.
/// </summary>
public sealed class MaskMessenger : Messenger
{
    private readonly bool _all = true;
    private readonly Tensor? _mask;

    /// <summary>Keeps (true) or drops (false) every site inside.</summary>
    public MaskMessenger(bool mask) => _all = mask;

    /// <summary>Masks with a boolean tensor, broadcast against each site's log-density.</summary>
    /// <exception cref="ArgumentException">The tensor is not boolean.</exception>
    public MaskMessenger(Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (mask.dtype != ScalarType.Bool)
        {
            throw new ArgumentException($"Mask: expected a bool tensor, got {mask.dtype} of shape {Distributions.ShapeUtil.Format(mask.Shape())}.", nameof(mask));
        }

        _mask = mask;
    }

    /// <inheritdoc />
    protected override void OnSample(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.MaskAll &= _all;
        if (_mask is not null)
        {
            message.Mask = message.Mask is null ? _mask.alias() : message.Mask.bitwise_and(_mask);
        }
    }
}
