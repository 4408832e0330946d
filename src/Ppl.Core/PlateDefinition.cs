namespace Ppl;

/// <summary>
/// A plate defined once and entered or iterated several times with the same dim and subsample
/// indices (Pyro's plate object: <c>rows = pyro.plate(...)</c> then <c>with rows:</c> twice).
/// Made by <see cref="Primitives.DefinePlate"/>. The first entry allocates the dim and draws the
/// indices under the handlers active then; a definition belongs to one model run, so create it
/// inside the model.
/// </summary>
public sealed class PlateDefinition
{
    private readonly PlateRequest _request;

    internal PlateDefinition(PlateRequest request) => _request = request;

    /// <summary>The plate's name.</summary>
    public string Name => _request.Name;

    /// <summary>The full size.</summary>
    public long Size => _request.Size;

    /// <summary>The number of indices used in a run.</summary>
    public long SubsampleSize => _request.SubsampleSize;

    /// <summary>How the plate was first entered; null before.</summary>
    internal PlateRecord? Record { get; set; }

    /// <summary>Enters the plate as a vectorized plate; dispose the scope (with <c>using</c>) to leave it.</summary>
    /// <exception cref="ArgumentException">The plate is already entered, its dim is taken, or it was used sequentially.</exception>
    public PlateScope Enter() => Primitives.EnterPlate(_request, this);

    /// <summary>Iterates the plate as a sequential plate (<see cref="Primitives.SequentialPlate"/>), the same indices each time.</summary>
    /// <exception cref="ArgumentException">The plate was defined with a dim or used vectorized.</exception>
    public IEnumerable<long> Iterate()
    {
        if (_request.Dim is int dim)
        {
            throw new ArgumentException($"plate('{Name}') was defined with dim {dim}, so it is vectorized: enter it, or define it without a dim to iterate it (as in Pyro).");
        }

        return Primitives.IterateSequential(_request with { Device = TorchSharp.torch.CPU }, this);
    }
}
