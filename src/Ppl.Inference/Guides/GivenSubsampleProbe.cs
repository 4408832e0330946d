using System.Collections.Immutable;
using Ppl.Effects;

namespace Ppl.Inference.Guides;

/// <summary>
/// Notes, during an autoguide's prototype run, the plates the model enters with subsample indices
/// of its own (<c>Plate(name, size, subsample: indices)</c>, e.g. a minibatch's rows): the guide
/// cannot draw those, it must be handed them.
/// </summary>
internal sealed class GivenSubsampleProbe : Messenger
{
    /// <summary>The names of the plates entered with given indices.</summary>
    public ImmutableHashSet<string> Plates { get; private set; } = ImmutableHashSet<string>.Empty;

    /// <inheritdoc />
    protected override void OnPlate(Message message)
    {
        // a plate message arrives with a value only when the model gave the indices (nothing
        // outside the prototype's block can have replayed them)
        if (message.Value is not null)
        {
            Plates = Plates.Add(message.Name);
        }
    }
}
