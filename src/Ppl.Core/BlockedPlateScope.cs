using Ppl.Effects;
using Ppl.Handlers;

namespace Ppl;

/// <summary>
/// Enclosing plates muted by <see cref="Primitives.BlockPlate(string, bool)"/> (Pyro's
/// <c>block_plate</c>); dispose it (with <c>using</c>) to restore them. A ref struct, like every
/// handler scope.
/// </summary>
public readonly ref struct BlockedPlateScope
{
    private readonly (PlateMessenger Plate, PlateMessenger Stand)[]? _blocked;

    internal BlockedPlateScope((PlateMessenger Plate, PlateMessenger Stand)[] blocked) => _blocked = blocked;

    /// <summary>How many plates are blocked (0 only without <c>strict</c>).</summary>
    public int Count => _blocked?.Length ?? 0;

    /// <summary>Restores the blocked plates.</summary>
    public void Dispose()
    {
        foreach (var (plate, stand) in _blocked ?? [])
        {
            HandlerStack.Replace(stand, plate);
        }
    }
}
