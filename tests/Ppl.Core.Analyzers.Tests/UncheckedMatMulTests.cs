namespace Ppl.Analyzers.Tests;

public class UncheckedMatMulTests
{
    [Fact]
    public Task Matmul_in_a_model_method_is_flagged() => Verify<UncheckedMatMulAnalyzer>.AnalyzeAsync("""
        static class C
        {
            static Tensor Model(Tensor x)
            {
                var w = Sample("w", new Normal(zeros(3), ones(3)).ToEvent(1));
                return Sample("y", new Normal({|PPL0002:x.matmul(w)|}, 1.0));
            }
        }
        """);

    [Fact]
    public Task Torch_matmul_in_a_model_lambda_is_flagged() => Verify<UncheckedMatMulAnalyzer>.AnalyzeAsync("""
        static class C
        {
            static readonly Func<Tensor, Tensor> Model = x =>
            {
                var w = Param("w", zeros(3, 1));
                return {|PPL0002:torch.matmul(x, w)|};
            };
        }
        """);

    [Fact]
    public Task Checked_products_and_matmul_outside_models_are_not_flagged() => Verify<UncheckedMatMulAnalyzer>.AnalyzeAsync("""
        static class C
        {
            static Tensor Model(Tensor x)
            {
                var w = Sample("w", new Normal(zeros(3), ones(3)).ToEvent(1));
                return Sample("y", new Normal(x.CheckedMatMul(w) + x.BatchedDot(w), 1.0));
            }

            // Not a model: no primitive here, and the shapes are fixed.
            static Tensor Gram(Tensor x) => x.matmul(x.t());
        }
        """);
}
