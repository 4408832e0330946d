namespace Ppl.Tests;

public class FastPathsTests
{
    [Fact]
    public void DisableTurnsThemOffInThisFlowAndRestoresOnDispose()
    {
        bool before = FastPaths.Enabled;
        using (FastPaths.Disable())
        {
            Assert.False(FastPaths.Enabled);
            using (FastPaths.Enable())
            {
                Assert.True(FastPaths.Enabled);
            }

            Assert.False(FastPaths.Enabled);
        }

        Assert.Equal(before, FastPaths.Enabled);
    }

    [Fact]
    public async Task ATurnedOffFlowDoesNotTurnThemOffElsewhere()
    {
        using var ready = new SemaphoreSlim(0);
        using var release = new SemaphoreSlim(0);
        var other = Task.Run(async () =>
        {
            using (FastPaths.Disable())
            {
                ready.Release();
                await release.WaitAsync();
                return FastPaths.Enabled;
            }
        });
        await ready.WaitAsync();
        using (FastPaths.Enable())
        {
            Assert.True(FastPaths.Enabled);
        }

        release.Release();
        Assert.False(await other);
    }
}
