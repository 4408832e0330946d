using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Testing;

/// <summary>Float64 tensors and distributions, so numeric comparisons are not limited by float32 rounding.</summary>
public static class F64
{
    public static Tensor T(double value) => tensor(value, dtype: ScalarType.Float64);

    public static Tensor T(params double[] values) => tensor(values, dtype: ScalarType.Float64);

    public static Normal Normal64(double loc, double scale) => new(T(loc), T(scale));

    /// <summary>Same shape and bit-identical entries.</summary>
    public static bool Identical(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    public static double D(Tensor value) => value.item<double>();

    public static double[] Values(Tensor value) => value.to_type(ScalarType.Float64).data<double>().ToArray();

    /// <summary>Asserts equal lengths and every entry within <paramref name="tolerance"/>.</summary>
    public static void AssertClose(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], actual[i], tolerance);
        }
    }

    public static Dictionary<string, Tensor> Data(params (string Name, Tensor Value)[] entries) =>
        entries.ToDictionary(e => e.Name, e => e.Value, StringComparer.Ordinal);
}
