namespace Ppl.Analyzers.Tests;

public class UndisposedScopeTests
{
    [Fact]
    public Task Discarded_plates_are_flagged() => Verify<UndisposedScopeAnalyzer>.AnalyzeAsync("""
        static class C
        {
            static Tensor Model(Tensor data)
            {
                {|PPL0003:Plate("data", data.shape[0])|};
                _ = {|PPL0003:UnsizedPlate("any")|};
                var idx = {|PPL0003:Plate("sub", 100, subsampleSize: 10)|}.Indices;
                {|PPL0003:DefinePlate("rows", 3).Enter()|};
                return Sample("x", new Normal(0.0, 1.0), obs: data);
            }
        }
        """);

    [Fact]
    public Task Locals_never_disposed_are_flagged() => Verify<UndisposedScopeAnalyzer>.AnalyzeAsync("""
        using Ppl.Handlers;
        using Ppl.Params;
        static class C
        {
            static Tensor Model(Tensor data, ParamStore store)
            {
                var plate = {|PPL0003:Plate("data", data.shape[0])|};
                var blocked = {|PPL0003:BlockPlate("data")|};
                var trace = {|PPL0003:new TraceMessenger().Install()|};
                var active = {|PPL0003:store.Activate()|};
                return Sample("x", new Normal(0.0, 1.0), obs: data);
            }
        }
        """);

    [Fact]
    public Task Scopes_in_using_disposed_or_returned_are_not_flagged() => Verify<UndisposedScopeAnalyzer>.AnalyzeAsync("""
        using Ppl.Handlers;
        using Ppl.Params;
        static class C
        {
            static Tensor Model(Tensor data, ParamStore store)
            {
                using var active = store.Activate();
                using (new TraceMessenger().Install())
                using (Plate("outer", 2))
                {
                    var scope = BlockPlate("outer");
                    try
                    {
                        Sample("z", new Normal(0.0, 1.0));
                    }
                    finally
                    {
                        scope.Dispose();
                    }
                }

                var rows = DefinePlate("rows", data.shape[0]);
                using (var plate = rows.Enter())
                {
                    return Sample("x", new Normal(0.0, 1.0), obs: plate.Subsample(data));
                }
            }

            static PlateScope DataPlate(long n) => Plate("data", n);

            static PlateScope Returned(long n)
            {
                var plate = Plate("data", n);
                return plate;
            }
        }
        """);
}
