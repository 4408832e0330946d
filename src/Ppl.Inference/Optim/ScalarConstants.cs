using TorchSharp;

namespace Ppl.Inference.Optim;

/// <summary>
/// Native scalars for an optimizer's hyperparameter values, made once and kept until the optimizer
/// is disposed: a handful of values per optimizer, where creating and freeing them on every update
/// costs two native calls each (and an implicit double → Scalar conversion leaves a finalizable
/// native object to the finalizer thread).
/// </summary>
internal sealed class ScalarConstants : IDisposable
{
    private readonly Dictionary<double, Scalar> _scalars = [];

    /// <summary>The native scalar for <paramref name="value"/>.</summary>
    public Scalar this[double value]
    {
        get
        {
            if (!_scalars.TryGetValue(value, out var scalar))
            {
                scalar = value.ToScalar();
                _scalars.Add(value, scalar);
            }

            return scalar;
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var scalar in _scalars.Values)
        {
            scalar.Dispose();
        }

        _scalars.Clear();
    }
}
