namespace Ppl.AbortProbe;

/// <summary>How a probe ended.</summary>
internal enum OutcomeKind
{
    /// <summary>The call returned (for a bad input: accepted it; for a Ppl scenario that should run: ran).</summary>
    Returned,

    /// <summary>The call threw a .NET exception; the process lived on.</summary>
    Threw,

    /// <summary>The process died during the call (e.g. <c>terminate called after throwing an instance of 'c10::Error'</c>).</summary>
    Aborted,

    /// <summary>The runner could not tell (the child hung, or failed before the probe started).</summary>
    Unknown,
}

/// <summary>What a probe must do; the tests hold every probe but the known aborts to it.</summary>
internal enum Expectation
{
    /// <summary>Anything but abort (a binding that throws, or accepts the input by broadcasting).</summary>
    NoAbort,

    /// <summary>Aborts the process: the known defect, listed in docs/design/aborting-bindings.md.</summary>
    Aborts,

    /// <summary>Throws <see cref="ArgumentException"/> (a Ppl entry point given bad input).</summary>
    ArgumentException,

    /// <summary>Returns (a Ppl inference run that must not vectorize the model unasked).</summary>
    Returns,
}

/// <summary>A probe as <c>dotnet AbortProbe.dll list</c> describes it.</summary>
internal sealed record ProbeInfo(string Id, string Binding, string Input, Expectation Expect);

/// <summary>The outcome of one probe: the exception type and first message line, the result shape, or how the process died.</summary>
internal sealed record ProbeOutcome(string Id, OutcomeKind Kind, string Detail)
{
    /// <summary>True when the probe threw an exception of exactly this type.</summary>
    public bool Threw<TException>()
        where TException : Exception =>
        Kind == OutcomeKind.Threw && Detail.StartsWith(typeof(TException).FullName + ":", StringComparison.Ordinal);

    /// <summary>Whether the outcome meets <paramref name="expect"/>.</summary>
    public bool Meets(Expectation expect) => expect switch
    {
        Expectation.NoAbort => Kind is OutcomeKind.Returned or OutcomeKind.Threw,
        Expectation.Aborts => Kind == OutcomeKind.Aborted,
        Expectation.ArgumentException => Threw<ArgumentException>(),
        _ => Kind == OutcomeKind.Returned,
    };

    /// <inheritdoc />
    public override string ToString() => $"{Id}: {Kind} {Detail}";
}
