using System.Collections.Immutable;
using Ppl.Distributions;
using Ppl.Effects;
using static TorchSharp.torch;

namespace Ppl;

/// <summary>
/// An immutable record of one effect as the trace saw it after every handler ran. Its tensors
/// belong to the dispose scope the model ran in.
/// </summary>
public sealed record Site
{
    /// <summary>The site's name.</summary>
    public required string Name { get; init; }

    /// <summary>Sample, param, deterministic, plate or a custom effect.</summary>
    public required SiteKind Kind { get; init; }

    /// <summary>The distribution of a sample site.</summary>
    public Distribution? Distribution { get; init; }

    /// <summary>The value (for a plate: its subsample indices). A value given in an initializer after <see cref="DrawNoise"/> and <see cref="ExpPreimage"/> clears them, as <see cref="Message.Value"/> does.</summary>
    public Tensor? Value
    {
        get => _value;
        init
        {
            if (!ReferenceEquals(value, _value))
            {
                DrawNoise = null;
                ExpPreimage = null;
            }

            _value = value;
        }
    }

    private readonly Tensor? _value;

    /// <summary>The noise the value was drawn from (<see cref="Message.DrawNoise"/>), null unless the site drew it with gradients.</summary>
    internal DrawNoise? DrawNoise { get; init; }

    /// <summary>x with the value = exp(x) as made (<see cref="Message.ExpPreimage"/>), or null.</summary>
    internal Tensor? ExpPreimage { get; init; }

    /// <summary>True when the value was observed.</summary>
    public bool IsObserved { get; init; }

    /// <summary>Multiplier of the log-density.</summary>
    public double Scale { get; init; } = 1.0;

    /// <summary>Tensor multiplier of the log-density, or null.</summary>
    public Tensor? ScaleTensor { get; init; }

    /// <summary>Boolean mask of the log-density, or null.</summary>
    public Tensor? Mask { get; init; }

    /// <summary>False when the site was masked out entirely.</summary>
    public bool MaskAll { get; init; } = true;

    /// <summary>Enclosing plates, outermost first.</summary>
    public ImmutableArray<PlateFrame> Plates { get; init; } = ImmutableArray<PlateFrame>.Empty;

    /// <summary>Inference hints.</summary>
    public InferConfig Infer { get; init; } = InferConfig.Default;

    /// <summary>True for a sample site whose value was drawn (not observed).</summary>
    public bool IsLatent => Kind == SiteKind.Sample && !IsObserved;

    /// <summary>Snapshots a message.</summary>
    public static Site From(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new Site
        {
            Name = message.Name,
            Kind = message.Kind,
            Distribution = message.Distribution,
            Value = message.Value,
            IsObserved = message.IsObserved,
            Scale = message.Scale,
            ScaleTensor = message.ScaleTensor,
            Mask = message.Mask,
            MaskAll = message.MaskAll,
            Plates = message.Plates,
            Infer = message.Infer,
            DrawNoise = message.DrawNoise,
            ExpPreimage = message.ExpPreimage,
        };
    }

    /// <summary>The log-density of the value without scale or mask, shape <c>BatchShape</c> of the distribution.</summary>
    /// <exception cref="InvalidOperationException">The site is not a sample site.</exception>
    public Tensor UnscaledLogProb()
    {
        if (Kind != SiteKind.Sample || Distribution is null || Value is null)
        {
            throw new InvalidOperationException($"Site '{Name}' is a {Kind} site; only sample sites have a log-probability.");
        }

        return Distribution.LogProb(Value);
    }

    /// <summary>The log-density with the site's scale and mask applied.</summary>
    public Tensor LogProb() => ScaleAndMask(UnscaledLogProb());

    /// <summary>Applies the site's mask and scale to its unscaled log-density <paramref name="lp"/>.</summary>
    internal Tensor ScaleAndMask(Tensor lp)
    {
        if (!MaskAll)
        {
            return TorchSharp.torch.zeros_like(lp);
        }

        if (Mask is not null)
        {
            lp = lp.masked_fill(Mask.bitwise_not(), 0.0); // masked_fill, not where: it runs on meta and drops -inf/NaN
        }

        if (ScaleTensor is not null)
        {
            lp = lp.mul(ScaleTensor);
        }

        return Scale == 1.0 ? lp : lp.mul(Scale);
    }
}
