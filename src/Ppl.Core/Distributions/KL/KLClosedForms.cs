using static TorchSharp.torch;

namespace Ppl.Distributions;

/// <summary>The built-in closed forms of KL(p ‖ q), one method per pair.</summary>
internal static class KLClosedForms
{
    public static void RegisterAll()
    {
        KL.Register<Normal, Normal>(NormalNormal);
        KL.Register<Bernoulli, Bernoulli>(BernoulliBernoulli);
        KL.Register<Categorical, Categorical>(CategoricalCategorical);
    }

    /// <summary>log(σq/σp) + (σp² + (μp − μq)²) / (2σq²) − ½.</summary>
    private static Tensor NormalNormal(Normal p, Normal q)
    {
        var varRatio = p.Scale.div(q.Scale).square();
        var t1 = p.Loc.sub(q.Loc).div(q.Scale).square();
        return varRatio.add(t1).sub(1).sub(varRatio.log()).mul(0.5);
    }

    /// <summary>Σ over {0, 1} of p·(log p − log q), with log-probabilities from logits (log σ(l) = −softplus(−l)).</summary>
    private static Tensor BernoulliBernoulli(Bernoulli p, Bernoulli q)
    {
        var pp = p.Probs;
        var one = pp.mul(nn.functional.softplus(q.Logits.neg()).sub(nn.functional.softplus(p.Logits.neg())));
        var zero = pp.neg().add(1).mul(nn.functional.softplus(q.Logits).sub(nn.functional.softplus(p.Logits)));
        return one.add(zero);
    }

    /// <summary>Σ_k p_k (log p_k − log q_k), terms with p_k = 0 contributing 0.</summary>
    private static Tensor CategoricalCategorical(Categorical p, Categorical q)
    {
        var pp = p.Probs;
        var terms = pp.mul(p.Logits.sub(q.Logits));
        return terms.masked_fill(pp.eq(0), 0.0).sum(-1);
    }
}
