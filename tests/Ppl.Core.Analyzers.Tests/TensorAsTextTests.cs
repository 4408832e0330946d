namespace Ppl.Analyzers.Tests;

public class TensorAsTextTests
{
    [Fact]
    public Task Interpolation_concatenation_writes_and_ToString_of_a_tensor_are_flagged() => Verify<TensorAsTextAnalyzer>.AnalyzeAsync("""
        static class C
        {
            static void Show(Tensor t, System.IO.TextWriter writer, System.Text.StringBuilder builder)
            {
                Console.WriteLine($"mean {{|PPL0006:t|}}");
                Console.WriteLine($"mean {{|PPL0006:t|}:F3}");
                Console.WriteLine("mean " + {|PPL0006:t|});
                Console.WriteLine({|PPL0006:t|});
                writer.WriteLine({|PPL0006:t.mean()|});
                Console.WriteLine("{0} and {1}", {|PPL0006:t|}, {|PPL0006:t|});
                builder.Append({|PPL0006:t|});
                string s = {|PPL0006:t.ToString()|};
            }
        }
        """);

    [Fact]
    public Task Values_scalars_and_explicit_styles_are_not_flagged() => Verify<TensorAsTextAnalyzer>.AnalyzeAsync("""
        static class C
        {
            static void Show(Tensor t)
            {
                Console.WriteLine($"mean {t.mean().item<float>():F3}");
                Console.WriteLine(t.npstr());
                Console.WriteLine(TensorFormat.Values(t));
                Console.WriteLine("values " + t.ToString(TorchSharp.TensorStringStyle.Numpy));
                Console.WriteLine($"shape [{string.Join(", ", t.shape)}], {t.dtype}");
                object boxed = t; // not text
            }
        }
        """);
}
