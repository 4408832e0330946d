using Ppl.Effects;
using static Ppl.Primitives;
using static TorchSharp.torch;
using EffectRuntime = Ppl.Effects.Runtime;

namespace Ppl.Tests;

/// <summary>Runtime.ApplyStack: Process innermost→outermost, default behaviour, Postprocess outermost→innermost over the reached handlers.</summary>
[Collection("Sequential")]
public sealed class ApplyStackOrderTests
{
    [Fact]
    public void ProcessRunsInnermostFirstAndPostprocessOutermostFirst()
    {
        using var scope = NewDisposeScope();
        var log = new List<string>();
        using (new LoggingMessenger("outer", log).Install())
        using (new LoggingMessenger("middle", log).Install())
        using (new LoggingMessenger("inner", log).Install())
        {
            Sample("x", F64.Normal64(0, 1));
        }

        Assert.Equal(
            new[]
            {
                "process inner", "process middle", "process outer",
                "postprocess outer", "postprocess middle", "postprocess inner",
            },
            log.Select(e => e.Split(':')[0]));
    }

    [Fact]
    public void StopInTheMiddleSkipsProcessAndPostprocessOfOuterHandlers()
    {
        using var scope = NewDisposeScope();
        var log = new List<string>();
        using (new LoggingMessenger("outer", log).Install())
        using (new LoggingMessenger("middle", log, stop: true).Install())
        using (new LoggingMessenger("inner", log).Install())
        {
            Sample("x", F64.Normal64(0, 1));
        }

        Assert.Equal(
            new[] { "process inner", "process middle", "postprocess middle", "postprocess inner" },
            log.Select(e => e.Split(':')[0]));
    }

    [Fact]
    public void DefaultBehaviourRunsOnceBetweenThePasses()
    {
        using var scope = NewDisposeScope();
        var log = new List<string>();
        var message = new Message(new SiteKind("custom"), "m")
        {
            DefaultBehavior = _ =>
            {
                log.Add("default");
                return F64.T(1.0);
            },
        };

        using (new LoggingMessenger("outer", log).Install())
        using (new LoggingMessenger("inner", log).Install())
        {
            EffectRuntime.ApplyStack(message);
        }

        Assert.Equal(
            new[] { "process inner:null", "process outer:null", "default", "postprocess outer:value", "postprocess inner:value" },
            log);
        Assert.True(message.Done);
        Assert.Equal(1.0, F64.D(message.Value!));
    }

    [Fact]
    public void DefaultBehaviourStillRunsWhenAHandlerStops()
    {
        using var scope = NewDisposeScope();
        var log = new List<string>();
        var message = new Message(new SiteKind("custom"), "m")
        {
            DefaultBehavior = _ =>
            {
                log.Add("default");
                return F64.T(1.0);
            },
        };

        using (new LoggingMessenger("outer", log).Install())
        using (new LoggingMessenger("inner", log, stop: true).Install())
        {
            EffectRuntime.ApplyStack(message);
        }

        Assert.Equal(new[] { "process inner:null", "default", "postprocess inner:value" }, log);
    }

    [Fact]
    public void EveryPostprocessSeesTheValueTheSampleReturns()
    {
        using var scope = NewDisposeScope();
        var log = new List<string>();
        var seen = new List<Tensor?>();
        Tensor returned;
        using (new LoggingMessenger("outer", log, seen).Install())
        using (new LoggingMessenger("middle", log, seen).Install())
        using (new LoggingMessenger("inner", log, seen).Install())
        {
            returned = Sample("x", F64.Normal64(0, 1));
        }

        Assert.All(log.Where(e => e.StartsWith("process", StringComparison.Ordinal)), e => Assert.EndsWith(":null", e, StringComparison.Ordinal));
        Assert.Equal(3, seen.Count);
        Assert.All(seen, v => Assert.Same(returned, v));
    }

    [Fact]
    public void HandlerThatSetsTheValueSuppressesTheDefaultBehaviour()
    {
        using var scope = NewDisposeScope();
        var log = new List<string>();
        var supplied = F64.T(7.0);
        var message = new Message(new SiteKind("custom"), "m")
        {
            DefaultBehavior = _ =>
            {
                log.Add("default");
                return F64.T(1.0);
            },
        };

        using (new LoggingMessenger("outer", log).Install())
        using (new ValueSupplier(supplied).Install())
        {
            EffectRuntime.ApplyStack(message);
        }

        Assert.DoesNotContain("default", log);
        Assert.Equal(new[] { "process outer:value", "postprocess outer:value" }, log);
        Assert.Same(supplied, message.Value);
        Assert.True(message.Done);
    }

    [Fact]
    public void ObservedValueIsVisibleInProcessAndNotRedrawn()
    {
        using var scope = NewDisposeScope();
        var log = new List<string>();
        var obs = F64.T(0.25);
        Tensor returned;
        using (new LoggingMessenger("only", log).Install())
        {
            returned = Sample("y", F64.Normal64(0, 1), obs: obs);
        }

        Assert.Equal(new[] { "process only:value", "postprocess only:value" }, log);
        Assert.Same(obs, returned);
    }

    private sealed class ValueSupplier(Tensor value) : Messenger
    {
        protected internal override void Process(Message message) => message.Value = value;
    }

    private sealed class LoggingMessenger(string name, List<string> log, List<Tensor?>? postValues = null, bool stop = false) : Messenger
    {
        protected internal override void Process(Message message)
        {
            log.Add($"process {name}:{(message.Value is null ? "null" : "value")}");
            base.Process(message);
            if (stop)
            {
                message.Stop = true;
            }
        }

        protected internal override void Postprocess(Message message)
        {
            log.Add($"postprocess {name}:{(message.Value is null ? "null" : "value")}");
            postValues?.Add(message.Value);
            base.Postprocess(message);
        }
    }
}
