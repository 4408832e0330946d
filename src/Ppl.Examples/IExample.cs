namespace Ppl.Examples;

/// <summary>One runnable example: a course model or a demonstration of the library.</summary>
public interface IExample
{
    /// <summary>The command-line name, e.g. <c>confounding</c>.</summary>
    string Name { get; }

    /// <summary>One line for <c>list</c>.</summary>
    string Description { get; }

    /// <summary>The example's own command-line options (besides <c>--seed</c> and <c>--smoke</c>).</summary>
    IReadOnlyList<ExampleOption> Options => [];

    /// <summary>Runs the example, writing its report to <paramref name="output"/>. Smoke mode is small and fast (the test suite runs it).</summary>
    ExampleResult Run(ExampleOptions options, TextWriter output);
}
