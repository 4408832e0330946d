// Shared by the MSBuild task below (compiled by RoslynCodeTaskFactory at build time, with a
// reference to Mono.Cecil) and by the unit tests (compiled with PPL_PATCHER_ONLY). See
// docs/design/scalar-lifetime.md for why it exists.
// Kept to what RoslynCodeTaskFactory can compile (netstandard2.0 reference assemblies).
#nullable enable
using System;
using System.IO;
using System.Linq;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace Ppl.Build
{
    /// <summary>What <see cref="TorchSharpScalarPatcher.Patch"/> did to one assembly.</summary>
    public enum ScalarPatchOutcome
    {
        /// <summary>Scalar's constructor now hands every new Scalar to the holder.</summary>
        Patched,

        /// <summary>An earlier build patched it already.</summary>
        AlreadyPatched,

        /// <summary>No <c>TorchSharp.Scalar(IntPtr)</c> constructor: not a TorchSharp this patch knows.</summary>
        NotNeeded,
    }

    /// <summary>
    /// Keeps TorchSharp's temporary <c>Scalar</c> objects reachable while the native call that
    /// reads them runs. TorchSharp 0.107 passes <c>scalar.Handle</c> to libtorch without
    /// <c>GC.KeepAlive</c>, so once the JIT sees the last use of a temporary Scalar (an implicit
    /// <c>2.0 → Scalar</c>, or the <c>alpha = 1</c> inside <c>Tensor.add(Tensor)</c>) a GC started by
    /// any other thread can finalize it and free the native scalar in the middle of the call:
    /// libtorch then reads freed memory ("Expected false to be true" from <c>Scalar.h</c> toDouble,
    /// or a wrong value). The patch adds a type <c>TorchSharp.PplScalarLifetime</c> holding the
    /// <see cref="RingSize"/> most recently created Scalars in a static ring and makes
    /// <c>Scalar(IntPtr)</c> put each new Scalar there, so a Scalar is collectable only after that
    /// many newer ones exist.
    /// </summary>
    public static class TorchSharpScalarPatcher
    {
        /// <summary>The full name of the injected holder type (its presence marks a patched assembly).</summary>
        public const string HolderTypeName = "TorchSharp.PplScalarLifetime";

        /// <summary>How many of the newest Scalars are kept reachable (a power of two).</summary>
        public const int RingSize = 16384;

        /// <summary>Patches the assembly at <paramref name="path"/> in place (through a temporary file and a rename).</summary>
        public static ScalarPatchOutcome Patch(string path) => PatchCopy(path, path);

        /// <summary>Writes a patched copy of <paramref name="source"/> to <paramref name="destination"/> (which may be the same file).</summary>
        public static ScalarPatchOutcome PatchCopy(string source, string destination)
        {
            byte[] image = File.ReadAllBytes(source);
            using var module = ModuleDefinition.ReadModule(new MemoryStream(image), new ReaderParameters { ReadingMode = ReadingMode.Immediate });
            var outcome = PatchModule(module);
            bool sameFile = string.Equals(Path.GetFullPath(source), Path.GetFullPath(destination), StringComparison.Ordinal);
            if (outcome != ScalarPatchOutcome.Patched)
            {
                if (!sameFile)
                {
                    File.Copy(source, destination, overwrite: true);
                }

                return outcome;
            }

            // A temporary file and a rename: a hard or symbolic link into the NuGet package folder is replaced, never written through.
            string temporary = destination + ".ppl-tmp";
            try
            {
                using (var stream = File.Create(temporary))
                {
                    module.Write(stream);
                }

                File.SetLastWriteTimeUtc(temporary, File.GetLastWriteTimeUtc(source));
                if (File.Exists(destination))
                {
                    File.Replace(temporary, destination, destinationBackupFileName: null);
                }
                else
                {
                    File.Move(temporary, destination);
                }
            }
            finally
            {
                if (File.Exists(temporary))
                {
                    File.Delete(temporary);
                }
            }

            return outcome;
        }

        /// <summary>True when <paramref name="path"/> is a TorchSharp assembly that still needs the patch.</summary>
        public static bool NeedsPatch(string path)
        {
            using var module = ModuleDefinition.ReadModule(new MemoryStream(File.ReadAllBytes(path)));
            return module.GetType(HolderTypeName) is null && ScalarConstructor(module) is not null;
        }

        /// <summary>Adds the holder and the constructor call to <paramref name="module"/>.</summary>
        public static ScalarPatchOutcome PatchModule(ModuleDefinition module)
        {
            if (module.GetType(HolderTypeName) is not null)
            {
                return ScalarPatchOutcome.AlreadyPatched;
            }

            var constructor = ScalarConstructor(module);
            if (constructor is null)
            {
                return ScalarPatchOutcome.NotNeeded;
            }

            var hold = AddHolder(module, constructor.DeclaringType);
            var il = constructor.Body.GetILProcessor();
            foreach (var ret in constructor.Body.Instructions.Where(i => i.OpCode == OpCodes.Ret).ToList())
            {
                // Hold(this) just before each return; jumps that went to the return now go to the call.
                var first = il.Create(OpCodes.Ldarg_0);
                il.InsertBefore(ret, first);
                il.InsertBefore(ret, il.Create(OpCodes.Call, hold));
                foreach (var instruction in constructor.Body.Instructions)
                {
                    if (instruction != first && instruction.Operand == ret)
                    {
                        instruction.Operand = first;
                    }
                }

                foreach (var handler in constructor.Body.ExceptionHandlers)
                {
                    if (handler.HandlerEnd == ret)
                    {
                        handler.HandlerEnd = first;
                    }
                }
            }

            return ScalarPatchOutcome.Patched;
        }

        private static MethodDefinition? ScalarConstructor(ModuleDefinition module) =>
            module.GetType("TorchSharp.Scalar")?.Methods.FirstOrDefault(m =>
                m.IsConstructor && !m.IsStatic && m.HasBody && m.Parameters.Count == 1
                && m.Parameters[0].ParameterType.FullName == "System.IntPtr");

        /// <summary>
        /// static class PplScalarLifetime { static readonly Scalar[] ring = new Scalar[RingSize]; static int next;
        /// internal static void Hold(Scalar s) => ring[Interlocked.Increment(ref next) &amp; (RingSize − 1)] = s; }.
        /// </summary>
        private static MethodDefinition AddHolder(ModuleDefinition module, TypeDefinition scalar)
        {
            int dot = HolderTypeName.LastIndexOf('.');
            var holder = new TypeDefinition(
                HolderTypeName.Substring(0, dot),
                HolderTypeName.Substring(dot + 1),
                TypeAttributes.NotPublic | TypeAttributes.Abstract | TypeAttributes.Sealed | TypeAttributes.BeforeFieldInit,
                module.TypeSystem.Object);
            module.Types.Add(holder);
            var ring = new FieldDefinition("ring", FieldAttributes.Private | FieldAttributes.Static | FieldAttributes.InitOnly, new ArrayType(scalar));
            var next = new FieldDefinition("next", FieldAttributes.Private | FieldAttributes.Static, module.TypeSystem.Int32);
            holder.Fields.Add(ring);
            holder.Fields.Add(next);

            var staticConstructor = new MethodDefinition(
                ".cctor",
                MethodAttributes.Private | MethodAttributes.Static | MethodAttributes.HideBySig | MethodAttributes.SpecialName | MethodAttributes.RTSpecialName,
                module.TypeSystem.Void);
            var il = staticConstructor.Body.GetILProcessor();
            il.Emit(OpCodes.Ldc_I4, RingSize);
            il.Emit(OpCodes.Newarr, scalar);
            il.Emit(OpCodes.Stsfld, ring);
            il.Emit(OpCodes.Ret);
            holder.Methods.Add(staticConstructor);

            var hold = new MethodDefinition("Hold", MethodAttributes.Assembly | MethodAttributes.Static | MethodAttributes.HideBySig, module.TypeSystem.Void);
            hold.Parameters.Add(new ParameterDefinition("scalar", ParameterAttributes.None, scalar));
            il = hold.Body.GetILProcessor();
            il.Emit(OpCodes.Ldsfld, ring);

            // TorchSharp's own reference to Interlocked.Increment(ref int), so the patch adds no assembly
            // reference (importing it from the build's runtime would tie TorchSharp.dll to that runtime's
            // CoreLib). Without one, a plain increment: a lost update only lets one Scalar out of the ring early.
            var increment = module.GetMemberReferences().OfType<MethodReference>().FirstOrDefault(m =>
                m.DeclaringType.FullName == "System.Threading.Interlocked" && m.Name == "Increment"
                && m.Parameters.Count == 1 && m.Parameters[0].ParameterType.FullName == "System.Int32&");
            if (increment is not null)
            {
                il.Emit(OpCodes.Ldsflda, next);
                il.Emit(OpCodes.Call, increment);
            }
            else
            {
                il.Emit(OpCodes.Ldsfld, next);
                il.Emit(OpCodes.Ldc_I4_1);
                il.Emit(OpCodes.Add);
                il.Emit(OpCodes.Dup);
                il.Emit(OpCodes.Stsfld, next);
            }

            il.Emit(OpCodes.Ldc_I4, RingSize - 1);
            il.Emit(OpCodes.And);
            il.Emit(OpCodes.Ldarg_0);
            il.Emit(OpCodes.Stelem_Ref);
            il.Emit(OpCodes.Ret);
            holder.Methods.Add(hold);
            return hold;
        }
    }

#if !PPL_PATCHER_ONLY
    /// <summary>
    /// MSBuild task with two modes: patch the TorchSharp.dll in each of <see cref="Directories"/>
    /// (output and publish folders) in place, and/or write patched copies of
    /// <see cref="SourceFiles"/> to the matching <see cref="DestinationFiles"/>.
    /// </summary>
    public sealed class PatchTorchSharpScalars : Microsoft.Build.Utilities.Task
    {
        /// <summary>Folders whose TorchSharp.dll (top level: it sits next to the app) is patched in place.</summary>
        public Microsoft.Build.Framework.ITaskItem[] Directories { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <summary>Pristine assemblies to copy (for example from the NuGet package folder).</summary>
        public Microsoft.Build.Framework.ITaskItem[] SourceFiles { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <summary>Where the patched copies of <see cref="SourceFiles"/> go, one per source.</summary>
        public Microsoft.Build.Framework.ITaskItem[] DestinationFiles { get; set; } = Array.Empty<Microsoft.Build.Framework.ITaskItem>();

        /// <inheritdoc />
        public override bool Execute()
        {
            if (SourceFiles.Length != DestinationFiles.Length)
            {
                Log.LogError($"Ppl: {SourceFiles.Length} source files but {DestinationFiles.Length} destination files.");
                return false;
            }

            for (int i = 0; i < SourceFiles.Length; i++)
            {
                string source = SourceFiles[i].GetMetadata("FullPath");
                string destination = DestinationFiles[i].GetMetadata("FullPath");
                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                Run(destination, () => TorchSharpScalarPatcher.PatchCopy(source, destination));
            }

            foreach (var item in Directories)
            {
                string file = Path.Combine(item.GetMetadata("FullPath"), "TorchSharp.dll");
                if (File.Exists(file))
                {
                    Run(file, () => TorchSharpScalarPatcher.Patch(file));
                }
            }

            return !Log.HasLoggedErrors;
        }

        private void Run(string file, Func<ScalarPatchOutcome> patch)
        {
            try
            {
                var outcome = patch();
                if (outcome == ScalarPatchOutcome.Patched)
                {
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Normal, $"Ppl: {file}: temporary Scalars are now held until newer ones replace them (docs/design/scalar-lifetime.md).");
                }
                else if (outcome == ScalarPatchOutcome.NotNeeded)
                {
                    Log.LogWarning($"Ppl: {file} has no TorchSharp.Scalar(IntPtr) constructor; left unpatched, so temporary Scalars may be freed while libtorch reads them (docs/design/scalar-lifetime.md).");
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is BadImageFormatException)
            {
                Log.LogError($"Ppl: could not patch {file}: {e.Message}");
            }
        }
    }
#endif
}
