namespace Ppl.Examples;

/// <summary>An option one example understands besides the common <c>--seed</c> and <c>--smoke</c>.</summary>
/// <param name="Name">The option without dashes, e.g. <c>map</c> for <c>--map</c>.</param>
/// <param name="Description">One line for <c>--help</c>.</param>
/// <param name="Default">The value when the option is not given.</param>
/// <param name="Allowed">The accepted values; null accepts any.</param>
/// <param name="IsFlag">A switch without a value (e.g. <c>--full</c>): "true" when given, else <paramref name="Default"/>; read it with <see cref="ExampleOptions.GetFlag"/>.</param>
public sealed record ExampleOption(string Name, string Description, string Default, IReadOnlyList<string>? Allowed = null, bool IsFlag = false);
