namespace Ppl.IO;

/// <summary>
/// What a checksummed Ppl file holds: its 8-byte ASCII magic, the format version this build
/// writes and reads, and a description for messages ("parameter file").
/// </summary>
internal sealed record FileKind(string Magic, int Version, string Description);
