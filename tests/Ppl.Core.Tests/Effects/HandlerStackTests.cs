using Ppl.Effects;
using Ppl.Handlers;

namespace Ppl.Tests.Effects;

[Collection("Sequential")]
public sealed class HandlerStackTests
{
    [Fact]
    public void InstallPushesInnermostAndDisposePops()
    {
        var outer = new TraceMessenger();
        var inner = new TraceMessenger();
        using (outer.Install())
        {
            using (inner.Install())
            {
                Assert.Equal(new Messenger[] { outer, inner }, HandlerStack.Current);
            }

            Assert.Equal(new Messenger[] { outer }, HandlerStack.Current);
        }

        Assert.False(HandlerStack.IsActive);
    }

    [Fact]
    public void InstallingTheSameHandlerTwiceThrows()
    {
        var tracer = new TraceMessenger();
        using (tracer.Install())
        {
            var e = Assert.Throws<InvalidOperationException>(() => { using var again = tracer.Install(); });
            Assert.Contains("already installed", e.Message, StringComparison.Ordinal);
        }

        Assert.False(HandlerStack.IsActive);
    }

    [Fact]
    public void OutOfOrderDisposalThrowsAndLeavesTheStackConsistent()
    {
        var a = new TraceMessenger();
        var b = new BlockMessenger(_ => false);
        var c = new MaskMessenger(true);
        var scopeA = a.Install();
        var scopeB = b.Install();
        var scopeC = c.Install();

        InvalidOperationException? e = null;
        try
        {
            scopeB.Dispose();
        }
        catch (InvalidOperationException caught)
        {
            e = caught;
        }

        Assert.NotNull(e);
        Assert.Contains("out of order", e.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(MaskMessenger), e.Message, StringComparison.Ordinal);

        // b and everything installed after it are gone; a is still there and pops normally
        Assert.Equal(new Messenger[] { a }, HandlerStack.Current);
        string? second = null;
        try
        {
            scopeC.Dispose();
        }
        catch (InvalidOperationException caught)
        {
            second = caught.Message;
        }

        Assert.Contains("not installed", second, StringComparison.Ordinal);
        scopeA.Dispose();
        Assert.False(HandlerStack.IsActive);
    }

    [Fact]
    public void ExceptionInsideUsingUnwindsEveryHandler()
    {
        Assert.Throws<DivideByZeroException>(new Action(() =>
        {
            using (new TraceMessenger().Install())
            using (new SeedMessenger(1).Install())
            {
                throw new DivideByZeroException();
            }
        }));

        Assert.False(HandlerStack.IsActive);
    }
}
