using TorchSharp;
using static TorchSharp.torch;

namespace Ppl.AbortProbe;

/// <summary>
/// TorchSharp bindings a model is likely to call, each with one bad input (mismatched shapes, a
/// bad dim or index, mixed dtypes). Every tensor is float64 on the CPU unless the input says
/// otherwise.
/// </summary>
internal static class TorchProbes
{
    private static readonly Device Meta = new(DeviceType.META);

    public static IReadOnlyList<Probe> All { get; } =
    [
        // products
        new("matmul.inner", "Tensor.matmul", "[2, 3] · [2, 3]", () => M(2, 3).matmul(M(2, 3)), Expectation.Aborts),
        new("matmul.batch", "Tensor.matmul", "[4, 2, 3] · [5, 3, 2] (batch dims 4 vs 5)", () => M(4, 2, 3).matmul(M(5, 3, 2)), Expectation.Aborts),
        new("matmul.vector", "Tensor.matmul", "[3] · [4]", () => M(3).matmul(M(4)), Expectation.Aborts),
        new("matmul.scalar", "Tensor.matmul", "[] · [3] (0-dim operand)", () => M().matmul(M(3)), Expectation.Aborts),
        new("matmul.dtype", "Tensor.matmul", "float32 [2, 3] · float64 [3, 2]", () => M(2, 3).to(float32).matmul(M(3, 2)), Expectation.Aborts),
        new("matmul.bool", "Tensor.matmul", "bool [2, 3] · bool [3, 2]", () => M(2, 3).to(ScalarType.Bool).matmul(M(3, 2).to(ScalarType.Bool)), Expectation.Aborts),
        new("matmul.meta", "Tensor.matmul", "[2, 3] · [2, 3] on the meta device", () => M(2, 3).to(Meta).matmul(M(2, 3).to(Meta)), Expectation.Aborts),
        new("torch.matmul", "torch.matmul", "[2, 3] · [2, 3]", () => torch.matmul(M(2, 3), M(2, 3)), Expectation.Aborts),
        new("matmul.regression", "Tensor.matmul", "X [100, 3] · w [4, 1, 3] (w with a particle dim)", () => M(100, 3).matmul(M(4, 1, 3)), Expectation.Aborts),
        new("mm", "Tensor.mm", "[2, 3] · [2, 3]", () => M(2, 3).mm(M(2, 3))),
        new("mm.dtype", "Tensor.mm", "float32 [2, 3] · float64 [3, 2]", () => M(2, 3).to(float32).mm(M(3, 2))),
        new("bmm", "Tensor.bmm", "[4, 2, 3] · [4, 2, 3]", () => M(4, 2, 3).bmm(M(4, 2, 3))),
        new("mv", "Tensor.mv", "[2, 3] · [2]", () => M(2, 3).mv(M(2))),
        new("dot", "Tensor.dot", "[3] · [4]", () => M(3).dot(M(4))),
        new("vdot", "Tensor.vdot", "[3] · [4]", () => M(3).vdot(M(4))),
        new("inner", "Tensor.inner", "[2, 3] · [2, 4]", () => M(2, 3).inner(M(2, 4))),
        new("outer", "Tensor.outer", "[2, 2] ⊗ [3] (2-D operand)", () => M(2, 2).outer(M(3))),
        new("ger", "Tensor.ger", "[2, 2] ⊗ [3] (2-D operand)", () => M(2, 2).ger(M(3))),
        new("einsum", "torch.einsum", "\"ij,jk->ik\" on [2, 3], [2, 3]", () => einsum("ij,jk->ik", M(2, 3), M(2, 3))),
        new("einsum.equation", "torch.einsum", "\"ij->k\" (bad equation)", () => einsum("ij->k", M(2, 3))),
        new("tensordot", "torch.tensordot", "[2, 3] · [2, 3], dims 1", () => tensordot(M(2, 3), M(2, 3), 1)),
        new("kron.dtype", "Tensor.kron", "float32 [2] ⊗ float64 [2]", () => M(2).to(float32).kron(M(2))),
        new("cross", "linalg.cross", "[2] × [2] (size 2, needs 3)", () => linalg.cross(M(2), M(2))),
        new("trace", "Tensor.trace", "[2, 2, 2] (3-D)", () => M(2, 2, 2).trace()),
        new("addmm", "Tensor.addmm", "[2, 2] + [2, 3] · [2, 3]", () => M(2, 2).addmm(M(2, 3), M(2, 3), 1, 1)),
        new("addmv", "Tensor.addmv", "[2] + [2, 3] · [2]", () => M(2).addmv(M(2, 3), M(2), 1, 1)),
        new("baddbmm", "Tensor.baddbmm", "[4, 2, 2] + [4, 2, 3] · [4, 2, 3]", () => M(4, 2, 2).baddbmm(M(4, 2, 3), M(4, 2, 3))),
        new("baddbmm.values", "Tensor.baddbmm", "valid: 0 [1, 2, 2] + 1 [1, 2, 2] · 2 [1, 2, 2], entry [0, 0, 0] (should be 4)", () =>
            zeros(1, 2, 2, dtype: float64).baddbmm(M(1, 2, 2), M(1, 2, 2).mul(2))[0, 0, 0].item<double>()),
        new("addbmm", "Tensor.addbmm", "[2, 2] + [4, 2, 3] · [4, 2, 3]", () => M(2, 2).addbmm(M(4, 2, 3), M(4, 2, 3))),
        new("chain_matmul", "torch.chain_matmul", "[2, 3] · [2, 3] · [3, 2]", () => chain_matmul(M(2, 3), M(2, 3), M(3, 2))),
        new("linear", "nn.functional.linear", "x [5, 3], weight [4, 2]", () => nn.functional.linear(M(5, 3), M(4, 2))),
        new("bilinear", "nn.functional.bilinear", "x1 [5, 3], x2 [5, 2], weight [4, 3, 3]", () => nn.functional.bilinear(M(5, 3), M(5, 2), M(4, 3, 3))),
        new("cdist", "torch.cdist", "[5, 3] vs [4, 2]", () => cdist(M(5, 3), M(4, 2))),
        new("conv1d", "nn.functional.conv1d", "x [1, 2, 8], weight [4, 3, 3] (channels 2 vs 3)", () => nn.functional.conv1d(M(1, 2, 8), M(4, 3, 3))),
        new("conv2d", "nn.functional.conv2d", "x [1, 2, 8, 8], weight [4, 3, 3, 3] (channels 2 vs 3)", () => nn.functional.conv2d(M(1, 2, 8, 8), M(4, 3, 3, 3))),
        new("cosine_similarity", "nn.functional.cosine_similarity", "[5, 3] vs [5, 2]", () => nn.functional.cosine_similarity(M(5, 3), M(5, 2))),

        // linear algebra
        new("linalg.solve", "linalg.solve", "A [3, 3], B [2]", () => linalg.solve(Spd(3), M(2))),
        new("linalg.solve.square", "linalg.solve", "A [3, 2] (not square), B [3]", () => linalg.solve(M(3, 2), M(3))),
        new("linalg.solve.singular", "linalg.solve", "A = 0 [2, 2] (singular)", () => linalg.solve(zeros(2, 2, dtype: float64), M(2))),
        new("linalg.cholesky.square", "linalg.cholesky", "[2, 3] (not square)", () => linalg.cholesky(M(2, 3))),
        new("linalg.cholesky.pd", "linalg.cholesky", "−I [2, 2] (not positive definite)", () => linalg.cholesky(eye(2, dtype: float64).neg())),
        new("linalg.cholesky_ex.square", "linalg.cholesky_ex", "[2, 3] (not square)", () => linalg.cholesky_ex(M(2, 3)).L),
        new("linalg.inv", "linalg.inv", "[2, 3] (not square)", () => linalg.inv(M(2, 3))),
        new("linalg.inv.singular", "linalg.inv", "0 [2, 2] (singular)", () => linalg.inv(zeros(2, 2, dtype: float64))),
        new("linalg.det", "linalg.det", "[2, 3] (not square)", () => linalg.det(M(2, 3))),
        new("linalg.slogdet", "linalg.slogdet", "[2, 3] (not square)", () => linalg.slogdet(M(2, 3)).Item2),
        new("linalg.matrix_exp", "linalg.matrix_exp", "[2, 3] (not square)", () => linalg.matrix_exp(M(2, 3))),
        new("linalg.solve_triangular", "linalg.solve_triangular", "A [3, 3], B [2, 1]", () => linalg.solve_triangular(Spd(3), M(2, 1), upper: false)),
        new("linalg.vecdot", "linalg.vecdot", "[3] · [4]", () => linalg.vecdot(M(3), M(4))),
        new("linalg.multi_dot", "linalg.multi_dot", "[2, 3] · [2, 3]", () => linalg.multi_dot([M(2, 3), M(2, 3)])),
        new("linalg.eigh", "linalg.eigh", "[2, 3] (not square)", () => linalg.eigh(M(2, 3)).Item1),
        new("linalg.eigvalsh", "linalg.eigvalsh", "[2, 3] (not square)", () => linalg.eigvalsh(M(2, 3))),
        new("linalg.lstsq", "linalg.lstsq", "A [4, 2], B [3]", () => linalg.lstsq(M(4, 2), M(3)).Solution),
        new("linalg.matrix_norm", "linalg.matrix_norm", "[3] (1-D)", () => linalg.matrix_norm(M(3))),

        // joining, indexing, reshaping
        new("cat", "torch.cat", "[2, 3] and [2, 4] along dim 0", () => cat([M(2, 3), M(2, 4)], 0)),
        new("cat.dim", "torch.cat", "[2, 3] and [2, 3] along dim 5", () => cat([M(2, 3), M(2, 3)], 5)),
        new("stack", "torch.stack", "[2, 3] and [3, 2]", () => stack([M(2, 3), M(3, 2)])),
        new("gather", "Tensor.gather", "index 5 into a dim of size 3", () => M(2, 3).gather(1, full(2, 1, 5L))),
        new("gather.rank", "Tensor.gather", "index of rank 1 into a 2-D input", () => M(2, 3).gather(1, zeros(2, dtype: int64))),
        new("scatter", "Tensor.scatter", "index 5 into a dim of size 3", () => M(2, 3).scatter(1, full(2, 1, 5L), M(2, 1))),
        new("index_select", "Tensor.index_select", "index 5 into a dim of size 3", () => M(2, 3).index_select(1, tensor(new long[] { 5 }))),
        new("index.int", "Tensor[long]", "t[5] of a dim of size 3", () => M(3)[5]),
        new("index.tensor", "Tensor[Tensor]", "t[tensor([5])] of a dim of size 3", () => M(3)[tensor(new long[] { 5 })]),
        new("index.mask", "Tensor[bool mask]", "bool mask [2] on a [3] tensor", () => M(3)[ones(2, dtype: ScalarType.Bool)]),
        new("index_put_", "Tensor.index_put_", "t[tensor([5])] = 1 on a [3] tensor", () => M(3).index_put_(M(1), tensor(new long[] { 5 }))),
        new("narrow", "Tensor.narrow", "start 2, length 3 in a dim of size 3", () => M(3).narrow(0, 2, 3)),
        new("slice", "Tensor[slice]", "t[.., 5] of a 2-D tensor with 3 columns", () => M(2, 3)[TensorIndex.Colon, 5]),
        new("expand", "Tensor.expand", "[3] to [4]", () => M(3).expand(4)),
        new("broadcast_shapes", "torch.broadcast_shapes", "[3] and [1, 2] (last dims 3 vs 2)", () => broadcast_shapes([3], [1, 2]).Shape),
        new("broadcast_to", "Tensor.broadcast_to", "[3] to [4]", () => M(3).broadcast_to(4)),
        new("reshape", "Tensor.reshape", "[2, 3] to [4, 2]", () => M(2, 3).reshape(4, 2)),
        new("view", "Tensor.view", "[2, 3] to [4, 2]", () => M(2, 3).view(4, 2)),
        new("view.stride", "Tensor.view", "transposed [3, 2] to [6] (not contiguous)", () => M(2, 3).mT.view(6)),
        new("squeeze.dim", "Tensor.squeeze", "dim 5 of a 2-D tensor", () => M(2, 3).squeeze(5)),
        new("unsqueeze.dim", "Tensor.unsqueeze", "dim 5 of a 2-D tensor", () => M(2, 3).unsqueeze(5)),
        new("transpose.dim", "Tensor.transpose", "dims 0 and 5 of a 2-D tensor", () => M(2, 3).transpose(0, 5)),
        new("mT", "Tensor.mT", "a 1-D tensor", () => M(3).mT),
        new("permute", "Tensor.permute", "2 dims for a 3-D tensor", () => M(2, 3, 4).permute(1, 0)),
        new("movedim", "Tensor.movedim", "dim 5 of a 2-D tensor", () => M(2, 3).movedim([5L], [0L])),
        new("flatten", "Tensor.flatten", "dims 0..5 of a 2-D tensor", () => M(2, 3).flatten(0, 5)),
        new("unflatten", "Tensor.unflatten", "dim of size 3 into [2, 2]", () => M(2, 3).unflatten(1, [2, 2])),
        new("diagonal", "Tensor.diagonal", "dims 0 and 0", () => M(2, 3).diagonal(0, 0, 0)),
        new("diag_embed", "Tensor.diag_embed", "dim1 = dim2", () => M(2, 3).diag_embed(0, 1, 1)),
        new("triu", "Tensor.triu", "a 1-D tensor", () => M(3).triu()),
        new("tril", "Tensor.tril", "a 1-D tensor", () => M(3).tril()),
        new("repeat", "Tensor.repeat", "1 repeat for a 2-D tensor", () => M(2, 3).repeat(2)),
        new("split", "Tensor.split", "sizes [1, 1] of a dim of size 3", () => M(3).split([1L, 1L])[0]),
        new("copy_", "Tensor.copy_", "[3] into [2]", () => M(2).copy_(M(3))),
        new("tensor.shape", "torch.tensor(double[], shape)", "3 values for shape [2, 2]", () => tensor(new double[] { 1, 2, 3 }, [2, 2])),

        // element-wise, reductions
        new("add", "Tensor.add", "[2, 3] + [4]", () => M(2, 3).add(M(4))),
        new("add_", "Tensor.add_", "[3] += [2, 3] (result larger than self)", () => M(3).add_(M(2, 3))),
        new("mul", "Tensor.mul", "[2, 3] · [4]", () => M(2, 3).mul(M(4))),
        new("mul.operator", "Tensor * Tensor", "[2, 3] * [4]", () => M(2, 3) * M(4)),
        new("sub", "Tensor.sub", "[2, 3] − [4]", () => M(2, 3).sub(M(4))),
        new("div", "Tensor.div", "[2, 3] / [4]", () => M(2, 3).div(M(4))),
        new("pow", "Tensor.pow", "[2, 3] ^ [4]", () => M(2, 3).pow(M(4))),
        new("maximum", "torch.maximum", "[2, 3] vs [4]", () => maximum(M(2, 3), M(4))),
        new("eq", "Tensor.eq", "[2, 3] vs [4]", () => M(2, 3).eq(M(4))),
        new("where", "torch.where", "condition [2], x [3], y [3]", () => where(ones(2, dtype: ScalarType.Bool), M(3), M(3))),
        new("masked_fill", "Tensor.masked_fill", "mask [2] on a [3] tensor", () => M(3).masked_fill(ones(2, dtype: ScalarType.Bool), 0.0)),
        new("clamp", "Tensor.clamp", "min [2] on a [3] tensor", () => M(3).clamp(M(2), null)),
        new("sum.dim", "Tensor.sum", "dim 5 of a 2-D tensor", () => M(2, 3).sum(5)),
        new("mean.dim", "Tensor.mean", "dim 5 of a 2-D tensor", () => M(2, 3).mean([5L])),
        new("amax.dim", "Tensor.amax", "dim 5 of a 2-D tensor", () => M(2, 3).amax([5L])),
        new("max.dim", "Tensor.max", "dim 5 of a 2-D tensor", () => M(2, 3).max(5).values),
        new("argmax.dim", "Tensor.argmax", "dim 5 of a 2-D tensor", () => M(2, 3).argmax(5)),
        new("cumsum.dim", "Tensor.cumsum", "dim 5 of a 2-D tensor", () => M(2, 3).cumsum(5)),
        new("softmax.dim", "Tensor.softmax", "dim 5 of a 2-D tensor", () => M(2, 3).softmax(5)),
        new("log_softmax.dim", "Tensor.log_softmax", "dim 5 of a 2-D tensor", () => M(2, 3).log_softmax(5)),
        new("logsumexp.dim", "Tensor.logsumexp", "dim 5 of a 2-D tensor", () => M(2, 3).logsumexp(5)),
        new("sort.dim", "Tensor.sort", "dim 5 of a 2-D tensor", () => M(2, 3).sort(5).Values),
        new("topk", "Tensor.topk", "k = 5 of a dim of size 3", () => M(3).topk(5).values),
        new("item", "Tensor.item", "a [3] tensor", () => M(3).item<double>()),
        new("one_hot", "nn.functional.one_hot", "class 5 of 3", () => nn.functional.one_hot(tensor(new long[] { 5 }), 3)),
        new("multinomial", "Tensor.multinomial", "negative probabilities", () => M(3).neg().multinomial(1)),
        new("backward", "Tensor.backward", "a [3] output (not a scalar)", () =>
        {
            var x = M(3).requires_grad_();
            x.mul(2).backward();
            return x.grad;
        }),
    ];

    /// <summary>A float64 tensor of ones with the given shape.</summary>
    private static Tensor M(params long[] shape) => ones(shape, dtype: float64);

    /// <summary>An n×n symmetric positive-definite matrix.</summary>
    private static Tensor Spd(long n) => eye(n, dtype: float64).mul(2).add(0.5);
}
