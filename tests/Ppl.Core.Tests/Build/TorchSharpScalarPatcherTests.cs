using Mono.Cecil;
using Mono.Cecil.Cil;
using Ppl.Build;

namespace Ppl.Tests.Build;

/// <summary>
/// The TorchSharp.dll patcher (src/Ppl.Core/build/TorchSharpScalarPatch.cs), run on the pristine
/// assembly from the NuGet package folder. See docs/design/scalar-lifetime.md.
/// </summary>
public sealed class TorchSharpScalarPatcherTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ppl-scalar-patcher-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string PristineCopy()
    {
        string source = LibTorchSharpPatcherTests.Metadata("Ppl.PristineTorchSharp");
        Assert.True(File.Exists(source), $"{source} does not exist");
        string copy = Path.Combine(_folder, "TorchSharp.dll");
        File.Copy(source, copy);
        return copy;
    }

    private static MethodDefinition ScalarConstructor(ModuleDefinition module) =>
        module.GetType("TorchSharp.Scalar").Methods.Single(m =>
            m.IsConstructor && !m.IsStatic && m.Parameters.Count == 1 && m.Parameters[0].ParameterType.FullName == "System.IntPtr");

    [Fact]
    public void The_pristine_assembly_needs_the_patch()
    {
        Assert.True(TorchSharpScalarPatcher.NeedsPatch(PristineCopy()));
    }

    [Fact]
    public void Every_return_of_the_scalar_constructor_hands_the_new_scalar_to_the_ring()
    {
        string file = PristineCopy();
        Assert.Equal(ScalarPatchOutcome.Patched, TorchSharpScalarPatcher.Patch(file));

        using var module = ModuleDefinition.ReadModule(file);
        var holder = module.GetType(TorchSharpScalarPatcher.HolderTypeName);
        Assert.NotNull(holder);
        var ring = holder.Fields.Single(f => f.Name == "ring");
        Assert.True(ring.IsStatic && ring.IsInitOnly);
        Assert.Equal("TorchSharp.Scalar[]", ring.FieldType.FullName);
        var size = holder.Methods.Single(m => m.IsConstructor && m.IsStatic).Body.Instructions.First(i => i.OpCode == OpCodes.Ldc_I4);
        Assert.Equal(TorchSharpScalarPatcher.RingSize, (int)size.Operand);

        var body = ScalarConstructor(module).Body.Instructions;
        var returns = body.Where(i => i.OpCode == OpCodes.Ret).ToList();
        Assert.NotEmpty(returns);
        foreach (var ret in returns)
        {
            Assert.Equal(OpCodes.Call, ret.Previous.OpCode);
            Assert.Equal("Hold", ((MethodReference)ret.Previous.Operand).Name);
            Assert.Equal(OpCodes.Ldarg_0, ret.Previous.Previous.OpCode);
        }

        // Interlocked.Increment through TorchSharp's own reference: the patch adds no assembly reference.
        using var pristine = ModuleDefinition.ReadModule(LibTorchSharpPatcherTests.Metadata("Ppl.PristineTorchSharp"));
        Assert.Equal(
            pristine.AssemblyReferences.Select(r => r.FullName).Order(),
            module.AssemblyReferences.Select(r => r.FullName).Order());
        Assert.Contains(holder.Methods.Single(m => m.Name == "Hold").Body.Instructions, i =>
            i.Operand is MethodReference { Name: "Increment", DeclaringType.FullName: "System.Threading.Interlocked" });
    }

    [Fact]
    public void Patching_twice_changes_nothing_the_second_time()
    {
        string file = PristineCopy();
        Assert.Equal(ScalarPatchOutcome.Patched, TorchSharpScalarPatcher.Patch(file));
        byte[] once = File.ReadAllBytes(file);
        Assert.False(TorchSharpScalarPatcher.NeedsPatch(file));
        Assert.Equal(ScalarPatchOutcome.AlreadyPatched, TorchSharpScalarPatcher.Patch(file));
        Assert.Equal(once, File.ReadAllBytes(file));
    }

    [Fact]
    public void A_copy_leaves_the_source_untouched()
    {
        string file = PristineCopy();
        byte[] before = File.ReadAllBytes(file);
        string destination = Path.Combine(_folder, "patched", "TorchSharp.dll");
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        Assert.Equal(ScalarPatchOutcome.Patched, TorchSharpScalarPatcher.PatchCopy(file, destination));
        Assert.Equal(before, File.ReadAllBytes(file));
        Assert.False(TorchSharpScalarPatcher.NeedsPatch(destination));
    }

    [Fact]
    public void An_assembly_without_TorchSharps_scalar_is_copied_as_it_is()
    {
        string source = typeof(TorchSharpScalarPatcherTests).Assembly.Location;
        string destination = Path.Combine(_folder, "Other.dll");
        Assert.False(TorchSharpScalarPatcher.NeedsPatch(source));
        Assert.Equal(ScalarPatchOutcome.NotNeeded, TorchSharpScalarPatcher.PatchCopy(source, destination));
        Assert.Equal(File.ReadAllBytes(source), File.ReadAllBytes(destination));
    }
}
