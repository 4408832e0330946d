using Ppl.Diagnostics;
using Ppl.Distributions;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Tests.Diagnostics;

/// <summary>
/// Where warnings go: standard error by default (a console program shows them), once per distinct
/// message, unless captured or promoted to errors.
/// </summary>
[Collection("Sequential")]
public sealed class WarningOutputTests
{
    private static Tensor Model(int unused) => Sample("x", new Normal(tensor(0.0), 1.0));

    /// <summary>Runs <paramref name="body"/> with standard error redirected and returns what it wrote.</summary>
    private static string StandardErrorOf(Action body)
    {
        var original = Console.Error;
        using var writer = new StringWriter();
        Console.SetError(writer);
        try
        {
            PplWarnings.ResetOnce();
            body();
        }
        finally
        {
            Console.SetError(original);
        }

        return writer.ToString();
    }

    private static void ConditionOnAMisspelledSite(string name)
    {
        using var scope = NewDisposeScope();
        Func<int, Tensor> model = Model;
        model.Condition(new Dictionary<string, Tensor> { [name] = tensor(1.0f) }).GetTrace(0);
    }

    [Fact]
    public void AWarningIsWrittenToStandardError()
    {
        string err = StandardErrorOf(() => ConditionOnAMisspelledSite("xx"));
        Assert.Contains("'xx'", err, StringComparison.Ordinal);
        Assert.StartsWith("Ppl warning: ", err, StringComparison.Ordinal);
    }

    [Fact]
    public void EachDistinctWarningIsWrittenOnce()
    {
        string err = StandardErrorOf(() =>
        {
            for (int i = 0; i < 5; i++)
            {
                ConditionOnAMisspelledSite("xx");
                ConditionOnAMisspelledSite("yy");
            }
        });
        string[] lines = err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Single(lines, l => l.Contains("'xx'", StringComparison.Ordinal));
        Assert.Single(lines, l => l.Contains("'yy'", StringComparison.Ordinal));
    }

    [Fact]
    public void CapturedWarningsAreNotWrittenAndAreAllKept()
    {
        IReadOnlyList<string> captured = [];
        string err = StandardErrorOf(() =>
        {
            using (PplWarnings.Capture(out captured))
            {
                ConditionOnAMisspelledSite("xx");
                ConditionOnAMisspelledSite("xx");
            }
        });
        Assert.Equal("", err);
        Assert.Equal(2, captured.Count);
    }

    [Fact]
    public void WarningsCanBeErrors()
    {
        using (PplWarnings.AsErrors())
        {
            var e = Assert.ThrowsAny<Exception>(() => ConditionOnAMisspelledSite("xx"));
            var warning = e as PplWarningException ?? e.InnerException as PplWarningException;
            Assert.NotNull(warning);
            Assert.Contains("'xx'", warning.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AWriterCanBeChosenOrSilenced()
    {
        var previous = PplWarnings.Writer;
        using var mine = new StringWriter();
        try
        {
            PplWarnings.Writer = mine;
            string err = StandardErrorOf(() => ConditionOnAMisspelledSite("xx"));
            Assert.Equal("", err);
            Assert.Contains("'xx'", mine.ToString(), StringComparison.Ordinal);

            PplWarnings.Writer = TextWriter.Null;
            Assert.Equal("", StandardErrorOf(() => ConditionOnAMisspelledSite("zz")));
        }
        finally
        {
            PplWarnings.Writer = previous;
        }
    }

    [Fact]
    public async Task WarningsFromAnAwaitContinuationAreCaptured()
    {
        static async Task WarnLater()
        {
            await Task.Yield();
            PplWarnings.Warn("from a continuation");
        }

        using (PplWarnings.Capture(out var captured))
        {
            await WarnLater();
            Assert.Equal(["from a continuation"], captured);
        }
    }
}
