using Ppl.Distributions;
using Ppl.Effects;
using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.Handlers;

/// <summary>
/// Multiplies the log-density of every sample site inside it by a positive factor (Pyro's
/// <c>scale</c>), e.g. to weight a minibatch or anneal a KL term. Use <see cref="MaskMessenger"/>
/// to drop terms: a zero scale is rejected.
/// </summary>
public sealed class ScaleMessenger : Messenger
{
    private readonly double _scale = 1.0;
    private readonly Tensor? _tensor;

    /// <summary>Scales by a positive number.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The factor is not positive and finite.</exception>
    public ScaleMessenger(double scale)
    {
        if (!(scale > 0) || double.IsInfinity(scale))
        {
            throw new ArgumentOutOfRangeException(nameof(scale), scale, "Scale: expected a positive finite factor; use MaskMessenger to drop terms.");
        }

        _scale = scale;
    }

    /// <summary>Scales by a positive tensor, broadcast against each site's log-density.</summary>
    /// <exception cref="ArgumentException">Validation is on and some entry is not positive.</exception>
    public ScaleMessenger(Tensor scale)
    {
        ArgumentNullException.ThrowIfNull(scale);
        if (Distribution.ValidationEnabled && scale.device.type != DeviceType.META)
        {
            using var scope = NewDisposeScope();
            if (!scale.gt(0).all().item<bool>())
            {
                throw new ArgumentException($"Scale: expected every entry of the scale tensor (shape {ShapeUtil.Format(scale.Shape())}) > 0; use MaskMessenger to drop terms.", nameof(scale));
            }
        }

        _tensor = scale;
    }

    /// <inheritdoc />
    protected override void OnSample(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        message.Scale *= _scale;
        if (_tensor is not null)
        {
            message.ScaleTensor = message.ScaleTensor is null ? _tensor.alias() : message.ScaleTensor.mul(_tensor);
        }
    }
}
