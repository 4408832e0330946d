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
        KL.Register<Gamma, Gamma>(GammaGamma);
        KL.Register<Beta, Beta>(BetaBeta);
        KL.Register<Dirichlet, Dirichlet>(DirichletDirichlet);
        KL.Register<MultivariateNormal, MultivariateNormal>(MultivariateNormalMultivariateNormal);
    }

    /// <summary>lnΓ(Σαp) − lnΓ(Σαq) − Σ[lnΓ(αp) − lnΓ(αq)] + Σ(αp − αq)(ψ(αp) − ψ(Σαp)).</summary>
    private static Tensor DirichletDirichlet(Dirichlet p, Dirichlet q)
    {
        var ap = p.Concentration;
        var aq = q.Concentration;
        var sp = ap.sum(-1);
        var t1 = sp.lgamma().sub(aq.sum(-1).lgamma());
        var t2 = ap.lgamma().sub(aq.lgamma()).sum(-1);
        var t3 = ap.sub(aq).mul(ap.digamma().sub(sp.digamma().unsqueeze(-1))).sum(-1);
        return t1.sub(t2).add(t3);
    }

    /// <summary>
    /// ½[tr(Σq⁻¹Σp) + (μq − μp)ᵀΣq⁻¹(μq − μp) − D + ln|Σq| − ln|Σp|], through the Cholesky
    /// factors: tr(Σq⁻¹Σp) = ‖Lq⁻¹Lp‖²_F and the quadratic form is ‖Lq⁻¹(μq − μp)‖².
    /// </summary>
    private static Tensor MultivariateNormalMultivariateNormal(MultivariateNormal p, MultivariateNormal q)
    {
        long d = p.EventShape[0];
        var lp = p.ScaleTril;
        var lq = q.ScaleTril;
        var halfLogDetP = lp.diagonal(0, -2, -1).log().sum(-1);
        var halfLogDetQ = lq.diagonal(0, -2, -1).log().sum(-1);
        var trace = Kernels.SolveLowerTriangular(lq, lp).square().sum([-2, -1]);
        var diff = q.Loc.sub(p.Loc).unsqueeze(-1);
        var mahalanobis = Kernels.SolveLowerTriangular(lq, diff).square().sum([-2, -1]);
        return trace.add(mahalanobis).sub(d).mul(0.5).add(halfLogDetQ).sub(halfLogDetP);
    }

    /// <summary>(αp − αq)ψ(αp) − lnΓ(αp) + lnΓ(αq) + αq(ln βp − ln βq) + αp(βq − βp)/βp, with shape α and rate β.</summary>
    private static Tensor GammaGamma(Gamma p, Gamma q)
    {
        var ap = p.Concentration;
        var aq = q.Concentration;
        var t1 = ap.sub(aq).mul(ap.digamma());
        var t2 = aq.lgamma().sub(ap.lgamma());
        var t3 = aq.mul(p.Rate.log().sub(q.Rate.log()));
        var t4 = ap.mul(q.Rate.sub(p.Rate)).div(p.Rate);
        return t1.add(t2).add(t3).add(t4);
    }

    /// <summary>
    /// ln B(aq, bq) − ln B(ap, bp) + (ap − aq)ψ(ap) + (bp − bq)ψ(bp) + (aq − ap + bq − bp)ψ(ap + bp),
    /// with a = concentration1 and b = concentration0.
    /// </summary>
    private static Tensor BetaBeta(Beta p, Beta q)
    {
        var ap = p.Concentration1;
        var bp = p.Concentration0;
        var aq = q.Concentration1;
        var bq = q.Concentration0;
        var sp = ap.add(bp);
        var logBetaQ = aq.lgamma().add(bq.lgamma()).sub(aq.add(bq).lgamma());
        var logBetaP = ap.lgamma().add(bp.lgamma()).sub(sp.lgamma());
        var t = ap.sub(aq).mul(ap.digamma())
            .add(bp.sub(bq).mul(bp.digamma()))
            .add(aq.sub(ap).add(bq).sub(bp).mul(sp.digamma()));
        return logBetaQ.sub(logBetaP).add(t);
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
