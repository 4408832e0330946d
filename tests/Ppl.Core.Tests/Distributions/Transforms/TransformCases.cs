using Ppl.Distributions.Transforms;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions.Transforms;

/// <summary>Every public transform, including compositions, inverses and BijectTo's matrix maps.</summary>
public static class TransformCases
{
    private static readonly Dictionary<string, TransformCase> ByName = new TransformCase[]
    {
        new("Identity", (_, _) => IdentityTransform.Instance, Reals(4, 3)),
        new("Exp", (_, _) => ExpTransform.Instance, Reals(4, 3)),
        new("Softplus", (_, _) => SoftplusTransform.Instance, Reals(4, 3)),
        new("Sigmoid", (_, _) => SigmoidTransform.Instance, Reals(4, 3)),
        new("Tanh", (_, _) => TanhTransform.Instance, Reals(4, 3)),
        new("Affine(numbers)", (_, _) => new AffineTransform(1.5, -2.0), Reals(4, 3)),
        new("Affine(tensors)", (d, t) => new AffineTransform(tensor(new[] { 0.0, 1.0, -1.0 }, dtype: t).to(d), tensor(new[] { 0.5, 2.0, -3.0 }, dtype: t).to(d)), Reals(4, 3)),
        new("Affine(event 1)", (d, t) => new AffineTransform(0.0, tensor(new[] { 0.5, 2.0, -3.0 }, dtype: t).to(d), eventDim: 1), Reals(4, 3), Flat, Flat),
        new("Compose(Exp, Affine)", (_, _) => new ComposeTransform(ExpTransform.Instance, new AffineTransform(2.0, 3.0)), Reals(4, 3)),
        new("Independent(Exp, 1)", (_, _) => new IndependentTransform(ExpTransform.Instance, 1), Reals(4, 3), Flat, Flat),
        new("Inverse(Sigmoid)", (_, _) => SigmoidTransform.Instance.Inv, (d, t, g) => rand([4, 3], dtype: t, device: d, generator: g).mul(0.98).add(0.01)),
        new("StickBreaking", (_, _) => StickBreakingTransform.Instance, Reals(4, 3), Flat, y => y.narrow(-1, 0, y.shape[^1] - 1)),
        new("LowerCholesky", (_, _) => LowerCholeskyTransform.Instance, Reals(4, 6), Flat, LowerTriangle),
        new("CholeskyOuterProduct", (_, _) => CholeskyOuterProductTransform.Instance, (d, t, g) => LowerCholeskyTransform.Instance.Forward(Reals(4, 6)(d, t, g)), LowerTriangle, LowerTriangle),
        new("BijectTo(positive_definite)", (_, _) => Bijectors.BijectTo(Ppl.Distributions.Constraints.PositiveDefinite), Reals(4, 6), Flat, LowerTriangle),
        new("BijectTo(interval(tensor, tensor))", (d, t) => Bijectors.BijectTo(Ppl.Distributions.Constraints.Interval(tensor(new[] { -1.0, 0.0, 2.0 }, dtype: t).to(d), tensor(new[] { 1.0, 5.0, 2.5 }, dtype: t).to(d))), Reals(4, 3)),
    }.ToDictionary(c => c.Name);

    /// <summary>The case names, as xunit member data.</summary>
    public static TheoryData<string> Names => new(ByName.Keys);

    /// <summary>The case with the given name.</summary>
    public static TransformCase Get(string name) => ByName[name];

    private static Func<Device, ScalarType, Generator, Tensor> Reals(params long[] shape) =>
        (d, t, g) => randn(shape, dtype: t, device: d, generator: g);

    private static Tensor Flat(Tensor x) => x.reshape(x.shape[0], -1);

    private static Tensor LowerTriangle(Tensor m)
    {
        long n = m.shape[^1];
        var mask = ones(n, n, dtype: ScalarType.Bool, device: m.device).tril();
        return m.masked_select(mask.expand(m.shape)).reshape(m.shape[0], -1);
    }
}
