namespace Ppl.AbortProbe;

/// <summary>
/// One call with bad input. <paramref name="Binding"/> is what is called (a TorchSharp binding or a
/// Ppl entry point), <paramref name="Input"/> what is wrong with its input, <paramref name="Expect"/>
/// what it must do. The body returns the call's result (a tensor's shape is reported) or throws.
/// </summary>
internal sealed record Probe(string Id, string Binding, string Input, Func<object?> Body, Expectation Expect = Expectation.NoAbort);
