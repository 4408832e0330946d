namespace Ppl.Inference.Checkpoints;

/// <summary>A file of a checkpoint: its name inside the checkpoint folder and the checksum in its trailer.</summary>
internal sealed record CheckpointMember(string FileName, ulong Checksum);
