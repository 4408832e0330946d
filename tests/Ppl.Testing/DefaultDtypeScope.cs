using TorchSharp;

namespace Ppl.Testing;

/// <summary>
/// Sets torch's default floating dtype until disposed, then restores the previous one. The
/// default dtype is process-wide state: tests that use this belong to the "Sequential" collection.
/// </summary>
public sealed class DefaultDtypeScope : IDisposable
{
    private readonly torch.ScalarType _previous = torch.get_default_dtype();

    public DefaultDtypeScope(torch.ScalarType dtype) => torch.set_default_dtype(dtype);

    public void Dispose() => torch.set_default_dtype(_previous);
}
