namespace Ppl;

/// <summary>
/// The one switch for Ppl's fast paths: shortcuts that give the same numbers as the plain code
/// with fewer native calls (docs/design/fast-paths.md lists each path, its invariant and the test
/// that pins it). On by default. Turn them off for a whole process with the environment variable
/// <c>PPL_FAST_PATHS=off</c> (how CI runs the ELBO and optimizer suites a second time), or for one
/// flow of code with <see cref="Disable"/>, to check a suspected fast-path bug against the plain path.
/// </summary>
public static class FastPaths
{
    private static readonly bool ProcessDefault = !IsOff(Environment.GetEnvironmentVariable("PPL_FAST_PATHS"));

    // per async flow, so a test that turns them off does not change what parallel tests run
    private static readonly AsyncLocal<bool?> Override = new();

    /// <summary>Whether fast paths are taken in the current flow of execution.</summary>
    public static bool Enabled => Override.Value ?? ProcessDefault;

    /// <summary>Turns fast paths off in the current flow of execution until the result is disposed.</summary>
    public static IDisposable Disable() => new OverrideScope(false);

    /// <summary>Turns fast paths on in the current flow of execution until the result is disposed (e.g. under <c>PPL_FAST_PATHS=off</c>).</summary>
    public static IDisposable Enable() => new OverrideScope(true);

    private static bool IsOff(string? value) =>
        value is not null && (value.Equals("off", StringComparison.OrdinalIgnoreCase) || value == "0" || value.Equals("false", StringComparison.OrdinalIgnoreCase));

    private sealed class OverrideScope : IDisposable
    {
        private readonly bool? _previous;
        private bool _disposed;

        public OverrideScope(bool enabled)
        {
            _previous = Override.Value;
            Override.Value = enabled;
        }

        public void Dispose()
        {
            if (!_disposed)
            {
                Override.Value = _previous;
                _disposed = true;
            }
        }
    }
}
