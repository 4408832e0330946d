using Spectre.Console;

namespace Ppl.Examples;

/// <summary>The Spectre.Console console an example writes its tables and messages to.</summary>
internal static class ExampleConsole
{
    /// <summary>
    /// A console on <paramref name="output"/>. Spectre detects whether it is a terminal; smoke runs
    /// (tests) turn ANSI and interactivity off explicitly, so the progress display never animates.
    /// </summary>
    public static IAnsiConsole Create(TextWriter output, bool smoke) =>
        AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = smoke ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = smoke ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = smoke ? InteractionSupport.No : InteractionSupport.Detect,
        });
}
