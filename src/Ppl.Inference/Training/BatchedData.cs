using Ppl.Data;

namespace Ppl.Inference.Training;

/// <summary>
/// A data set as a trainer sees it: its minibatches, and how a batch becomes the programs'
/// argument (typically the batch with the tensors it selects rows from, whose model opens
/// <see cref="MiniBatch.Plate"/> so that a step's loss estimates the whole data set's −ELBO).
/// </summary>
/// <typeparam name="TArgs">The programs' argument.</typeparam>
/// <param name="Batches">The batches (their size is the number of rows losses are divided by).</param>
/// <param name="Arguments">Makes the programs' argument for a batch; it runs inside the step's dispose scope.</param>
public sealed record BatchedData<TArgs>(MiniBatches Batches, Func<MiniBatch, TArgs> Arguments);
