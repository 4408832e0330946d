using Microsoft.CodeAnalysis.Testing;

namespace Ppl.Analyzers.Tests;

public class IntegerAsScalarTypeTests
{
    [Fact]
    public Task Sum_of_literal_zero_is_flagged() => Verify<IntegerAsScalarTypeAnalyzer>.AnalyzeAsync("""
        static class C
        {
            static Tensor F(Tensor x) => x.sum({|PPL0001:0|});
        }
        """);

    [Fact]
    public Task Prod_of_a_zero_constant_and_static_sum_are_flagged() => Verify<IntegerAsScalarTypeAnalyzer>.AnalyzeAsync("""
        static class C
        {
            const int Rows = 0;
            static Tensor F(Tensor x) => x.prod({|PPL0001:Rows|}) + torch.sum(x, {|PPL0001:0|});
        }
        """);

    [Fact]
    public Task A_cast_integer_constant_and_to_are_flagged() => Verify<IntegerAsScalarTypeAnalyzer>.AnalyzeAsync("""
        static class C
        {
            static Tensor F(Tensor x) => x.sum({|PPL0001:(ScalarType)0|}).to_type({|PPL0001:0|});
        }
        """);

    [Fact]
    public Task Dims_written_as_dims_and_named_dtypes_are_not_flagged() => Verify<IntegerAsScalarTypeAnalyzer>.AnalyzeAsync("""
        static class C
        {
            static Tensor F(Tensor x, int dim, ScalarType dtype, int code) =>
                x.sum([0L]) + x.sum(0, keepdim: false) + x.sum(1) + x.sum(dim) + x.prod(0L)
                + x.sum(ScalarType.Float64) + x.sum(type: dtype) + x.mean([0L]) + x.cumsum(0) + x.to((ScalarType)code);
        }
        """);

    [Fact]
    public Task The_message_names_the_dtype_and_the_fix() => Verify<IntegerAsScalarTypeAnalyzer>.AnalyzeAsync(
        """
        static class C
        {
            static Tensor F(Tensor x) => x.sum(0);
        }
        """,
        new DiagnosticResult(Descriptors.IntegerAsScalarType)
            .WithLocation(Verify<IntegerAsScalarTypeAnalyzer>.FirstLine + 2, 40)
            .WithArguments("Tensor.sum", "0", "Byte", "for dim 0 write sum(0, keepdim: false) or sum([0L])"));
}
