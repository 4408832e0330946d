using static TorchSharp.torch;

namespace Ppl.Effects;

/// <summary>
/// Where a module parameter registered in a store lives: the module and the parameter's path in
/// it (TorchSharp's <c>named_parameters</c> name). TorchSharp's <c>Module.to</c> replaces
/// parameter objects, so after moving <see cref="Module"/> the store looks the parameter up again by <see cref="Path"/>.
/// </summary>
/// <param name="Module">The module whose <c>named_parameters</c> hold the parameter.</param>
/// <param name="Path">The parameter's name there.</param>
internal sealed record ParameterOwner(nn.Module Module, string Path)
{
    /// <summary>The module's current parameter at <see cref="Path"/>.</summary>
    /// <exception cref="InvalidOperationException">The module no longer has such a parameter.</exception>
    public TorchSharp.Modules.Parameter Find()
    {
        foreach (var (name, parameter) in Module.named_parameters())
        {
            if (name == Path)
            {
                return parameter;
            }
        }

        throw new InvalidOperationException($"The module {Module.GetType().Name} no longer has a parameter '{Path}'.");
    }
}
