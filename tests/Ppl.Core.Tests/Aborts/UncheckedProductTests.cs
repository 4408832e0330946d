using System.Text.RegularExpressions;
using Ppl.Tests.Build;

namespace Ppl.Tests.Aborts;

/// <summary>
/// No library or example code calls TorchSharp's <c>matmul</c> directly: it aborts the process on
/// operands it cannot take, so every product goes through <see cref="TensorOps"/>, which checks
/// them first (the one direct call is inside TensorOps itself).
/// </summary>
public sealed partial class UncheckedProductTests
{
    [GeneratedRegex(@"\bmatmul\s*\(")]
    private static partial Regex MatmulCall();

    [Fact]
    public void SourceCodeCallsMatmulOnlyInsideTensorOps()
    {
        string src = Path.Combine(LibTorchSharpPatcherTests.Metadata("Ppl.RepositoryRoot"), "src");
        var calls = new List<string>();
        foreach (string file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(src, file);
            if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj") || relative == Path.Combine("Ppl.Core", "TensorOps.cs"))
            {
                continue;
            }

            string[] lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string code = lines[i].Split("//")[0]; // comments may name matmul
                if (MatmulCall().IsMatch(code))
                {
                    calls.Add($"{relative}:{i + 1}: {lines[i].Trim()}");
                }
            }
        }

        Assert.True(calls.Count == 0, "direct matmul calls (use CheckedMatMul, BatchedDot or BatchedMatVec):\n" + string.Join("\n", calls));
    }

    [Fact]
    public void TheScanFindsADirectCall()
    {
        Assert.Matches(MatmulCall(), "var y = x.matmul(w);");
        Assert.Matches(MatmulCall(), "torch.matmul (a, b)");
        Assert.DoesNotMatch(MatmulCall(), "var y = x.CheckedMatMul(w);");
    }
}
