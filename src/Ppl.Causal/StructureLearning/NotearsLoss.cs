namespace Ppl.Causal;

/// <summary>The data-fit term of NOTEARS' score (the reference's <c>loss_type</c>), with M = XW and n rows.</summary>
public enum NotearsLoss
{
    /// <summary>Least squares ½n⁻¹‖X − XW‖²_F on column-centred X (the reference's "l2").</summary>
    LeastSquares,

    /// <summary>Logistic n⁻¹Σ(log(1 + eᴹ) − X∘M) for binary (0/1) data.</summary>
    Logistic,

    /// <summary>Poisson n⁻¹Σ(eᴹ − X∘M) for non-negative count data.</summary>
    Poisson,
}
