using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ppl.Modules;

/// <summary>
/// Draws a network's initial weights from a generator of its own, with PyTorch's default initialization
/// (<c>reset_parameters</c>): every weight and bias of a linear or convolution layer uniform on
/// ±1/√fan-in, which is Kaiming-uniform with a = √5 for the weights; normalization layers keep their
/// ones and zeros.
/// </summary>
/// <remarks>
/// Seeding TorchSharp's global generator around a network's construction is not enough: the generator
/// is shared by every thread, so any draw another thread makes in between (a parallel test, a second
/// model) changes the weights. A private generator makes the weights a function of the seed alone. The
/// layers are drawn depth first in the order the module registered them, weight before bias, so for a
/// module whose fields are declared in construction order the weights equal those built after
/// <c>torch.random.manual_seed(seed)</c> on the CPU.
/// </remarks>
/// <example><code>
/// var net = SeededInitialization.Apply(nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 1)), seed: 7);
/// </code></example>
public static class SeededInitialization
{
    /// <summary>Redraws the parameters of <paramref name="module"/> from a new generator seeded with <paramref name="seed"/>; returns the module.</summary>
    /// <exception cref="NotSupportedException">The module holds parameters of a layer type this initializer does not know.</exception>
    public static T Apply<T>(T module, long seed)
        where T : nn.Module
    {
        ArgumentNullException.ThrowIfNull(module);
        var device = module.parameters().FirstOrDefault()?.device ?? CPU;
        using var generator = new Generator(unchecked((ulong)seed), device);
        return Apply(module, generator);
    }

    /// <summary>
    /// Redraws the parameters of <paramref name="module"/> from <paramref name="generator"/>, which goes on
    /// to serve further draws (several networks from one seed, or a custom initialization after the default);
    /// returns the module.
    /// </summary>
    /// <exception cref="NotSupportedException">The module holds parameters of a layer type this initializer does not know.</exception>
    public static T Apply<T>(T module, Generator generator)
        where T : nn.Module
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(generator);
        using var noGrad = no_grad();
        foreach (var (name, layer) in DepthFirst("", module))
        {
            switch (layer)
            {
                case Linear linear:
                    DrawUniform(linear.weight!, linear.bias, linear.weight!.shape[1], generator);
                    break;
                case Conv1d or Conv2d or Conv3d:
                    var weight = layer.get_parameter("weight")!;
                    DrawUniform(weight, layer.get_parameter("bias"), FanIn(weight), generator);
                    break;
                case BatchNorm1d or BatchNorm2d or BatchNorm3d or LayerNorm or GroupNorm:
                    break; // their defaults (ones and zeros) draw nothing
                default:
                    if (layer.named_parameters(recurse: false).Any())
                    {
                        string where = name.Length == 0 ? "the module itself" : $"'{name}'";
                        throw new NotSupportedException(
                            $"SeededInitialization: {where} ({layer.GetType().Name}) has parameters of its own and no known default initialization; "
                            + "initialize them yourself with a Generator (e.g. tensor.uniform_(low, high, generator)).");
                    }

                    break;
            }
        }

        return module;
    }

    // named_modules() lists a module's direct children before their descendants; construction (and so the
    // order of draws under a seeded global generator) goes depth first
    private static IEnumerable<(string Name, nn.Module Module)> DepthFirst(string name, nn.Module module)
    {
        yield return (name, module);
        foreach (var (childName, child) in module.named_children())
        {
            foreach (var descendant in DepthFirst(name.Length == 0 ? childName : $"{name}.{childName}", child))
            {
                yield return descendant;
            }
        }
    }

    private static long FanIn(Tensor weight) => weight.shape.Skip(1).Aggregate(1L, (a, b) => a * b);

    private static void DrawUniform(Tensor weight, Tensor? bias, long fanIn, Generator generator)
    {
        // Kaiming-uniform with a = √5, computed as libtorch does (same rounding, same bound to the last bit):
        // gain √(2 / (1 + a²)), bound √3 · gain / √fan-in, which is 1 / √fan-in
        double a = Math.Sqrt(5.0);
        double gain = Math.Sqrt(2.0 / (1 + Math.Pow(a, 2)));
        double weightBound = Math.Sqrt(3.0) * (gain / Math.Sqrt(fanIn));
        weight.uniform_(-weightBound, weightBound, generator);
        if (bias is not null)
        {
            double biasBound = fanIn > 0 ? 1 / Math.Sqrt(fanIn) : 0;
            bias.uniform_(-biasBound, biasBound, generator);
        }
    }
}
