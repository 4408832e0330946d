using Ppl.Data;

namespace Ppl.Examples.SsVaeMnist;

/// <summary>The M2 programs' argument: which rows of which data set this step sees.</summary>
/// <param name="Rows">The minibatch (its plate scales every row to the whole data set).</param>
/// <param name="Data">The data set the rows index.</param>
public sealed record M2Batch(MiniBatch Rows, DigitImages Data);
