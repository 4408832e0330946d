using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>
/// Parameters that meet in a matrix product must share loc's floating-point dtype and device:
/// TorchSharp's matmul aborts the process on mixed dtypes and silently mixes devices
/// (docs/design/aborting-bindings.md), so the families check when they are built.
/// </summary>
internal static class ProductOperands
{
    /// <summary>Throws <see cref="ArgumentException"/> naming the family and the parameter unless <paramref name="other"/> has <paramref name="loc"/>'s dtype and device, and that dtype is floating point.</summary>
    public static void RequireLikeLoc(string family, Tensor loc, Tensor other, string parameter)
    {
        if (!loc.is_floating_point())
        {
            throw new ArgumentException($"{family}: 'loc' (shape {ShapeUtil.Format(loc.Shape())}) is {loc.dtype}; the parameters must be floating point, e.g. .to(ScalarType.Float32).", parameter);
        }

        if (other.dtype != loc.dtype)
        {
            throw new ArgumentException(
                $"{family}: parameter '{parameter}' (shape {ShapeUtil.Format(other.Shape())}) is {other.dtype} but 'loc' is {loc.dtype}; convert one with .to(...) so both have the same dtype.",
                parameter);
        }

        if (other.device_type != loc.device_type || other.device_index != loc.device_index)
        {
            throw new ArgumentException(
                $"{family}: parameter '{parameter}' (shape {ShapeUtil.Format(other.Shape())}) is on {other.device} but 'loc' on {loc.device}; move one with .to(device).",
                parameter);
        }
    }
}
