using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Tests.Distributions;

/// <summary>
/// A family checks its parameters once, in its public constructor; <c>Expand</c> (and other
/// internal reuse) builds through the family's <c>Trusted</c> factory and does not read them
/// again (PyTorch's expand does not validate either). Shown by building with validation off,
/// turning it on and expanding: a re-check would throw.
/// </summary>
[Collection("Sequential")]
public sealed class TrustedConstructorTests
{
    public static TheoryData<string> Families => new(Built.Keys);

    private static readonly Dictionary<string, Func<Distribution>> Built = new()
    {
        ["Exponential"] = () => new Exponential(tensor(new[] { -1.0, 2.0 })),
        ["Poisson"] = () => new Poisson(tensor(new[] { -1.0, 2.0 })),
        ["HalfNormal"] = () => new HalfNormal(tensor(new[] { -1.0, 2.0 })),
        ["HalfCauchy"] = () => new HalfCauchy(tensor(new[] { -1.0, 2.0 })),
        ["Chi2"] = () => new Chi2(tensor(new[] { -1.0, 2.0 })),
        ["Gamma"] = () => new Gamma(tensor(new[] { -1.0, 2.0 }), tensor(1.0)),
        ["InverseGamma"] = () => new InverseGamma(tensor(new[] { -1.0, 2.0 }), tensor(1.0)),
        ["Beta"] = () => new Beta(tensor(new[] { -1.0, 2.0 }), tensor(1.0)),
        ["StudentT"] = () => new StudentT(tensor(new[] { -1.0, 2.0 }), tensor(0.0), tensor(1.0)),
        ["Delta"] = () => new Delta(tensor(new[] { double.NaN, 2.0 })),
        ["Laplace"] = () => new Laplace(tensor(0.0), tensor(new[] { -1.0, 2.0 })),
        ["Gumbel"] = () => new Gumbel(tensor(0.0), tensor(new[] { -1.0, 2.0 })),
        ["Cauchy"] = () => new Cauchy(tensor(0.0), tensor(new[] { -1.0, 2.0 })),
    };

    [Theory]
    [MemberData(nameof(Families))]
    public void TheConstructorChecksAndExpandDoesNotCheckAgain(string family)
    {
        using var scope = NewDisposeScope();
        Assert.Throws<ArgumentException>(() => Built[family]());
        Distribution built;
        Distribution.ValidationEnabled = false;
        try
        {
            built = Built[family]();
        }
        finally
        {
            Distribution.ValidationEnabled = true;
        }

        var expanded = built.Expand([3, 2]);
        Assert.Equal([3, 2], expanded.BatchShape);
        Assert.Equal(built.GetType(), expanded.GetType());
    }
}
