using Ppl.Diagnostics;
using Ppl.Effects;
using Ppl.Handlers;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests;

/// <summary>Named-data handlers warn about names no site matched; PplWarnings.AsErrors makes that an error.</summary>
[Collection("Sequential")]
public sealed class UnknownSiteWarningTests
{
    private static readonly Func<bool, Tensor> Model = _ => Sample("x", F64.Normal64(0, 1));

    public static TheoryData<string> Handlers => new() { "Condition", "Substitute", "Do" };

    [Theory]
    [MemberData(nameof(Handlers))]
    public void UnreachedNameIsReportedOnce(string handler)
    {
        using var scope = NewDisposeScope();
        var data = F64.Data(("x", F64.T(1.0)), ("typo_site", F64.T(2.0)));
        using (PplWarnings.Capture(out var warnings))
        {
            Model.With(() => Create(handler, data))(false);

            var warning = Assert.Single(warnings);
            Assert.StartsWith(handler + ":", warning, StringComparison.Ordinal);
            Assert.Contains("'typo_site'", warning, StringComparison.Ordinal);
            Assert.DoesNotContain("'x'", warning, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Handlers))]
    public void ReachedNamesDoNotWarn(string handler)
    {
        using var scope = NewDisposeScope();
        using (PplWarnings.Capture(out var warnings))
        {
            Model.With(() => Create(handler, F64.Data(("x", F64.T(1.0)))))(false);
            Assert.Empty(warnings);
        }
    }

    [Theory]
    [MemberData(nameof(Handlers))]
    public void AsErrorsTurnsTheWarningIntoAnException(string handler)
    {
        using var scope = NewDisposeScope();
        using (PplWarnings.AsErrors())
        {
            var e = Assert.Throws<PplWarningException>(() => Model.With(() => Create(handler, F64.Data(("typo_site", F64.T(2.0)))))(false));
            Assert.Contains("'typo_site'", e.Message, StringComparison.Ordinal);
        }

        Assert.False(HandlerStack.IsActive);
    }

    [Fact]
    public void AsErrorsIsNotWrappedByTraceRun()
    {
        using var scope = NewDisposeScope();
        using (PplWarnings.AsErrors())
        {
            Assert.Throws<PplWarningException>(() => Model.Condition(F64.Data(("typo_site", F64.T(2.0)))).GetTrace(false));
        }

        Assert.False(HandlerStack.IsActive);
    }

    [Fact]
    public void ObservingOutsideAnyHandlerWarnsAndReturnsTheObservation()
    {
        using var scope = NewDisposeScope();
        var obs = F64.T(0.25);
        using (PplWarnings.Capture(out var warnings))
        {
            var value = Sample("lonely_site", F64.Normal64(0, 1), obs: obs);

            Assert.Same(obs, value);
            var warning = Assert.Single(warnings);
            Assert.Contains("'lonely_site'", warning, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void SamplingOutsideAnyHandlerDoesNotWarn()
    {
        using var scope = NewDisposeScope();
        using (PplWarnings.Capture(out var warnings))
        {
            Sample("lonely_site", F64.Normal64(0, 1));
            Assert.Empty(warnings);
        }
    }

    private static Messenger Create(string handler, Dictionary<string, Tensor> data) => handler switch
    {
        "Condition" => new ConditionMessenger(data),
        "Substitute" => new SubstituteMessenger(data),
        "Do" => new DoMessenger(data),
        _ => throw new ArgumentOutOfRangeException(nameof(handler)),
    };
}
