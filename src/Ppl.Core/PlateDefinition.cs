namespace Ppl;

/// <summary>STUB</summary>
public sealed class PlateDefinition
{
    /// <summary>STUB</summary>
    public PlateScope Enter() => throw new NotImplementedException();

    /// <summary>STUB</summary>
    public IEnumerable<long> Iterate() => throw new NotImplementedException();
}
