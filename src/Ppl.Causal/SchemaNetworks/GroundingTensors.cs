using static TorchSharp.torch;

namespace Ppl.Causal.SchemaNetworks;

/// <summary>A <see cref="SchemaGrounding"/>'s tables on one device in one dtype.</summary>
/// <param name="Reads">The window cells (attribute, row offset, column offset, flattened) some schema reads, int64 [reads].</param>
/// <param name="Kernels">[schemas, reads]: +1 for an "on" precondition, −1 for an "off" one.</param>
/// <param name="ActionIncidence">[actions, schemas]: 1 where a schema needs the action.</param>
/// <param name="Needed">[schemas]: the signed sum where every literal holds.</param>
/// <param name="TargetRows">The row of [turns on, turns off, rewards] each schema adds to, int64 [schemas].</param>
internal sealed record GroundingTensors(Tensor Reads, Tensor Kernels, Tensor ActionIncidence, Tensor Needed, Tensor TargetRows);
