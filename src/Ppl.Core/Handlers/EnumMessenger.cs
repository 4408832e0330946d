using System.Collections.Immutable;
using Ppl.Distributions;
using Ppl.Effects;

namespace Ppl.Handlers;

/// <summary>
/// Parallel enumeration (Pyro's <c>poutine.enum</c>): each latent sample site marked
/// <see cref="EnumerateMode.Parallel"/> takes its whole support as its value, laid along an
/// enumeration dim of its own left of every plate (<see cref="FirstAvailableDim"/> and further
/// left), so downstream sites broadcast over every value at once and an algorithm can sum the
/// variable out. Every sample site records which variable held each enumeration dim when it ran
/// (<see cref="InferConfig.Enumeration"/>). Inside a <see cref="Primitives.Markov{T}"/> loop the dims
/// of variables older than the loop's history are given to new ones.
/// Install it outside a replay of the guide, so sites the guide drew keep the guide's values.
/// </summary>
public sealed class EnumMessenger : Messenger
{
    private readonly Dictionary<int, (int Symbol, MarkovStep? Step)> _active = [];
    private ImmutableDictionary<int, int> _dimToSymbol = ImmutableDictionary<int, int>.Empty;
    private int _nextSymbol;

    /// <summary>Enumerates from <paramref name="firstAvailableDim"/> leftwards.</summary>
    /// <param name="firstAvailableDim">The rightmost dim enumeration may use: −(max plate nesting) − 1.</param>
    public EnumMessenger(int firstAvailableDim)
        : this(firstAvailableDim, ImmutableDictionary<int, int>.Empty)
    {
    }

    /// <summary>
    /// Enumerates from <paramref name="firstAvailableDim"/> leftwards around dims another run already
    /// holds: a model replayed on a guide that enumerated some sites keeps the guide's dims (and names
    /// their variables as the guide did) and numbers its own variables after the guide's.
    /// </summary>
    /// <param name="firstAvailableDim">The rightmost dim enumeration may use: −(max plate nesting) − 1.</param>
    /// <param name="reserved">The variable at each dim already held, by dim; never given to another variable.</param>
    public EnumMessenger(int firstAvailableDim, IReadOnlyDictionary<int, int> reserved)
    {
        ArgumentNullException.ThrowIfNull(reserved);
        FirstAvailableDim = firstAvailableDim < 0
            ? firstAvailableDim
            : throw new ArgumentOutOfRangeException(nameof(firstAvailableDim), firstAvailableDim, "The first enumeration dim counts from the right and must be negative: −(max plate nesting) − 1.");
        foreach (var (dim, symbol) in reserved)
        {
            _active[dim] = (symbol, null);
            _dimToSymbol = _dimToSymbol.SetItem(dim, symbol);
            _nextSymbol = Math.Max(_nextSymbol, symbol + 1);
        }
    }

    /// <summary>The rightmost dim enumeration may use.</summary>
    public int FirstAvailableDim { get; }

    /// <summary>Every dim an enumeration of this run holds at its end, with its variable (what <see cref="EnumMessenger(int, IReadOnlyDictionary{int, int})"/> reserves for a model replayed on this run).</summary>
    public IReadOnlyDictionary<int, int> HeldDims => _dimToSymbol;

    /// <inheritdoc />
    /// <exception cref="NotSupportedException">A site marked for enumeration has no finite support, or is marked <see cref="EnumerateMode.Sequential"/>.</exception>
    /// <exception cref="ArgumentException">A site marked for enumeration already has a batch size above 1 at the dim it would take (it reads a variable older than its Markov history).</exception>
    protected override void OnSample(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Infer.Enumerate is not { } mode || message.IsObserved || message.Value is not null || message.Done || message.Distribution is not { } distribution)
        {
            message.Infer = message.Infer with { Enumeration = new EnumerationRecord(_dimToSymbol) };
            return;
        }

        if (mode == EnumerateMode.Sequential)
        {
            throw new NotSupportedException($"Site '{message.Name}' asks for sequential enumeration here; sequential enumeration runs the guide once per value (TraceEnumElbo, guide sites only). Mark model sites Parallel (ConfigEnumerate's default).");
        }

        if (!distribution.HasEnumerateSupport)
        {
            throw new NotSupportedException($"Site '{message.Name}' is marked for enumeration, but {distribution} has no finite support to enumerate. Enumerate only discrete sites (ConfigEnumerate marks exactly those).");
        }

        int dim = Allocate(message.Markov);
        CheckFree(message.Name, distribution, dim);
        int symbol = _nextSymbol++;
        _active[dim] = (symbol, message.Markov);
        _dimToSymbol = _dimToSymbol.SetItem(dim, symbol);

        var values = distribution.EnumerateSupport(expand: false);
        long[] shape = [values.shape[0], .. Enumerable.Repeat(1L, -dim - 1), .. distribution.EventShape];
        message.Value = values.reshape(shape);
        message.Infer = message.Infer with { Enumeration = new EnumerationRecord(_dimToSymbol, dim, symbol) };
    }

    /// <summary>The rightmost dim left of the plates that no live variable holds.</summary>
    private int Allocate(MarkovStep? step)
    {
        for (int dim = FirstAvailableDim; ; dim--)
        {
            if (!_active.TryGetValue(dim, out var holder) || Expired(holder.Step, step))
            {
                return dim;
            }
        }
    }

    /// <summary>A variable of an earlier step of the same Markov loop, more than its history ago, is no longer read.</summary>
    private static bool Expired(MarkovStep? made, MarkovStep? now) =>
        made is not null && now is not null && ReferenceEquals(made.Loop, now.Loop) && now.Step - made.Step > made.Loop.History;

    private static void CheckFree(string name, Distribution distribution, int dim)
    {
        var batch = distribution.BatchShape;
        int axis = batch.Length + dim;
        if (axis >= 0 && batch[axis] != 1)
        {
            throw new ArgumentException(
                $"Site '{name}' would be enumerated along dim {dim}, but its distribution's batch shape {ShapeUtil.Format(batch)} already has size {batch[axis]} there: "
                + "it depends on a variable older than its Markov loop's history (raise history), or it has batch dims no plate declares (declare them with Plate, or set MaxPlateNesting).",
                nameof(distribution));
        }
    }
}
