namespace Ppl.Testing;

/// <summary>Every single-byte corruption of a saved file, to check that loading rejects each one.</summary>
public static class SingleByteCorruptions
{
    private static readonly byte[] Flips = [0x01, 0x80, 0xFF];

    /// <summary>
    /// Writes each corruption of <paramref name="good"/> (every byte XORed with 0x01, 0x80 and
    /// 0xFF) to <paramref name="damaged"/> and loads it; returns one line per corruption that was
    /// not rejected with an <see cref="InvalidDataException"/> naming the path, after calling
    /// <paramref name="recover"/> for it.
    /// </summary>
    public static List<string> Failures(byte[] good, string damaged, Action<string> load, Action? recover = null)
    {
        var failures = new List<string>();
        for (int at = 0; at < good.Length; at++)
        {
            foreach (byte flip in Flips)
            {
                var bytes = (byte[])good.Clone();
                bytes[at] ^= flip;
                File.WriteAllBytes(damaged, bytes);
                var e = Record.Exception(() => load(damaged));
                if (e is not InvalidDataException || !e.Message.Contains(damaged, StringComparison.Ordinal))
                {
                    failures.Add($"byte {at} ^ 0x{flip:X2}: {(e is null ? "loaded silently" : e.GetType().Name + ": " + e.Message)}");
                    recover?.Invoke();
                }
            }
        }

        return failures;
    }
}
