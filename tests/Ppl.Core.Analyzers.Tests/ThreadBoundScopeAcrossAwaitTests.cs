namespace Ppl.Analyzers.Tests;

public class ThreadBoundScopeAcrossAwaitTests
{
    [Fact]
    public Task Dispose_scopes_and_grad_modes_spanning_an_await_are_flagged() => Verify<ThreadBoundScopeAcrossAwaitAnalyzer>.AnalyzeAsync("""
        static class C
        {
            static async Task<Tensor> Model(Tensor w)
            {
                using (NewDisposeScope())
                {
                    var a = Sample("a", new Normal(0.0, 1.0));
                    {|PPL0005:await Task.Delay(5)|};
                }

                using var noGrad = no_grad();
                var doubled = w * 2;
                {|PPL0005:await Task.Yield()|};
                return w * 2;
            }

            static async Task Loop(System.Collections.Generic.IAsyncEnumerable<Tensor> batches)
            {
                using (inference_mode())
                {
                    {|PPL0005:await foreach (var batch in batches)
                    {
                        batch.sum();
                    }|}
                }
            }
        }
        """);

    [Fact]
    public Task Scopes_between_awaits_and_awaits_in_nested_functions_are_not_flagged() => Verify<ThreadBoundScopeAcrossAwaitAnalyzer>.AnalyzeAsync("""
        static class C
        {
            static async Task<Tensor> Model(Tensor w)
            {
                await Task.Yield();
                Tensor kept;
                using (var scope = NewDisposeScope())
                {
                    kept = scope.MoveToOuter(Sample("a", new Normal(0.0, 1.0)));
                    Func<Task> later = async () => await Task.Yield();
                }

                await Task.Yield();
                using (no_grad())
                {
                    kept = kept + w;
                }

                using var grad = enable_grad();
                return kept * w;
            }
        }
        """);
}
