using BenchmarkDotNet.Attributes;
using Ppl.Distributions;
using Ppl.Inference;
using Ppl.Inference.Guides;
using Ppl.Inference.Optim;
using TorchSharp;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Benchmarks.Steps;

/// <summary>
/// (a) One SVI step (TraceElbo, one particle, Adam) of Bayesian linear regression with N = 1000
/// observations (<see cref="Rows"/>) and D = 10 features: w ~ N(0, I), b ~ N(0, 1), σ ~ LogNormal(0, 1),
/// y ~ N(Xw + b, σ) in a plate. The guide is a hand-written mean-field normal (per-site loc and
/// positive scale parameters, σ through a LogNormal), the computation an AutoNormal guide does.
/// </summary>
[Config(typeof(SviBenchmarkConfig))]
public class RegressionBenchmarks
{
    private const int D = 10;
    private Adam _adam = null!;
    private Svi<(Tensor X, Tensor Y)> _meanField = null!;
    private Tensor _x = null!;
    private Tensor _y = null!;
    private Adam _rawAdam = null!;
    private Adam _autoAdam = null!;
    private AutoNormal<(Tensor X, Tensor Y)> _autoNormal = null!;
    private Svi<(Tensor X, Tensor Y)> _auto = null!;
    private (string Name, TorchSharp.Modules.Parameter Parameter)[] _raw = [];
    private (string Name, TorchSharp.Modules.Parameter Parameter)[] _flat = [];
    private Adam _flatAdam = null!;

    /// <summary>Whether distributions validate their arguments and values.</summary>
    [Params(true, false)]
    public bool Validation { get; set; }

    /// <summary>
    /// The number of observations N, 1000 unless set before <see cref="Setup"/>. Not a
    /// BenchmarkDotNet parameter: the suite and the <c>quick</c> rows stay at N = 1000; the thread
    /// study (<see cref="ThreadCountStudy"/>) sets it for its ladder of sizes.
    /// </summary>
    public int Rows { get; set; } = 1000;

    /// <summary>Simulates the data from fixed true coefficients.</summary>
    [GlobalSetup]
    public void Setup()
    {
        BenchEnvironment.Apply();
        Distribution.ValidationEnabled = Validation;
        random.manual_seed(3);
        (_x, _y) = Simulate(Rows, D);
        _adam = new Adam(0.01);
        _meanField = new Svi<(Tensor X, Tensor Y)>(Model, MeanFieldGuide, _adam, new TraceElbo());
        _rawAdam = new Adam(0.01) { GroupedUpdates = true }; // as Svi steps
        _flatAdam = new Adam(0.01) { GroupedUpdates = true }; // as Svi steps
        _autoAdam = new Adam(0.01);
        _autoNormal = new AutoNormal<(Tensor X, Tensor Y)>(Model);
        _auto = new Svi<(Tensor X, Tensor Y)>(Model, _autoNormal.Guide, _autoAdam, new TraceElbo());
        using (var init = NewDisposeScope())
        {
            // unconstrained values, as the ParamStore holds them: scales as logs
            _raw =
            [
                ("w_loc", RawParameter(zeros(D))),
                ("w_scale", RawParameter(full(D, Math.Log(0.1)))),
                ("b_loc", RawParameter(zeros(1).squeeze())),
                ("b_scale", RawParameter(full(1, Math.Log(0.1)).squeeze())),
                ("sigma_loc", RawParameter(zeros(1).squeeze())),
                ("sigma_scale", RawParameter(full(1, Math.Log(0.1)).squeeze())),
            ];
            // one loc and one log-scale vector for w, b and log σ (D + 2 coordinates)
            _flat = [("loc", RawParameter(zeros(D + 2))), ("log_scale", RawParameter(full(D + 2, Math.Log(0.1))))];
        }
    }

    /// <summary>Releases data, parameters and optimizer state.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _meanField.ParamStore.Dispose();
        _adam.Dispose();
        _rawAdam.Dispose();
        _flatAdam.Dispose();
        foreach (var (_, p) in _flat)
        {
            p.Dispose();
        }

        _auto.ParamStore.Dispose();
        _autoAdam.Dispose();
        _autoNormal.Dispose();
        foreach (var (_, p) in _raw)
        {
            p.Dispose();
        }

        _x.Dispose();
        _y.Dispose();
        Distribution.ValidationEnabled = true;
    }

    /// <summary>The step with <see cref="AutoNormal{TArgs}"/> as the guide (the configuration of the target).</summary>
    [Benchmark]
    public double AutoNormalGuide() => _auto.Step((_x, _y));

    /// <summary>The step with the hand-written mean-field guide (separates autoguide overhead from core overhead).</summary>
    [Benchmark]
    public double HandGuide() => _meanField.Step((_x, _y));

    /// <summary>
    /// The same ELBO step written directly in TorchSharp: same parameters (unconstrained, scales
    /// through exp), same draws, same log-densities, same optimizer type. The floor for this model.
    /// </summary>
    [Benchmark(Baseline = true)]
    public double RawTorchSharp()
    {
        using var scope = NewDisposeScope();
        var p = _raw.Select(r => (Tensor)r.Parameter).ToArray();
        var (wLoc, wScale, bLoc, bScale, sLoc, sScale) = (p[0], p[1].exp(), p[2], p[3].exp(), p[4], p[5].exp());
        var w = wLoc.add(wScale.mul(randn_like(wLoc)));
        var b = bLoc.add(bScale.mul(randn_like(bLoc)));
        var logSigma = sLoc.add(sScale.mul(randn_like(sLoc)));
        var sigma = logSigma.exp();
        // log q: normals on w, b and log σ, minus the log-Jacobian log σ of σ = exp(log σ)
        var logQ = RawNormalLogProb(w, wLoc, wScale).sum().add(RawNormalLogProb(b, bLoc, bScale)).add(RawNormalLogProb(logSigma, sLoc, sScale)).sub(logSigma);
        var zero = zeros_like(bLoc);
        var one = ones_like(bLoc);
        var logP = RawNormalLogProb(w, zero, one).sum().add(RawNormalLogProb(b, zero, one)).add(RawNormalLogProb(logSigma, zero, one)).sub(logSigma)
            .add(RawNormalLogProb(_y, _x.matmul(w).add(b), sigma).sum());
        var loss = logQ.sub(logP);
        loss.backward();
        _rawAdam.Step(_raw);
        Optimizer.ZeroGrad(_raw.Select(r => r.Parameter));
        return loss.to(ScalarType.Float64).item<double>();
    }

    /// <summary>
    /// A hand-optimized TorchSharp step of the same ELBO, for reference: all latents in one flat
    /// loc and log-scale vector (one draw, one log q), fused ops, log σ taken from the draw. An
    /// estimate of the per-op floor for this model, not a baseline a user would write.
    /// </summary>
    [Benchmark]
    public double RawTorchSharpFlat()
    {
        using var scope = NewDisposeScope();
        Tensor loc = _flat[0].Parameter, logScale = _flat[1].Parameter;
        var noise = randn_like(loc);
        var z = loc.addcmul(noise, logScale.exp(), 1.0);
        var w = z.narrow(0, 0, D);
        var b = z.select(0, D);
        var logSigma = z.select(0, D + 1);
        double c = 0.5 * Math.Log(2 * Math.PI);
        // log q = Σ(−½ noise² − c − log scale) − log σ (the Jacobian of σ = exp(log σ))
        var logQ = noise.square().sum().mul(-0.5).sub(logScale.sum()).sub(logSigma);
        var residual = _y.sub(torch.addmv(b, _x, w, 1f, 1f)).div(logSigma.exp());
        // priors: w, b ~ N(0, 1), σ ~ LogNormal(0, 1); likelihood y ~ N(Xw + b, σ)
        var logP = z.narrow(0, 0, D + 1).square().sum().mul(-0.5)
            .add(logSigma.square().mul(-0.5).sub(logSigma))
            .add(residual.square().sum().mul(-0.5).sub(logSigma.mul(Rows)));
        var loss = logQ.sub(logP).add(c * Rows); // the 2π constants: −c per q coordinate, −c per p coordinate and observation
        loss.backward();
        _flatAdam.Step(_flat);
        Optimizer.ZeroGrad(_flat.Select(r => r.Parameter));
        return loss.ToDouble();
    }

    /// <summary>log N(x; loc, scale) elementwise, as Normal computes it.</summary>
    public static Tensor RawNormalLogProb(Tensor x, Tensor loc, Tensor scale)
    {
        ArgumentNullException.ThrowIfNull(x);
        return x.sub(loc).div(scale).square().mul(-0.5).sub(0.5 * Math.Log(2 * Math.PI)).sub(scale.log());
    }

    private static TorchSharp.Modules.Parameter RawParameter(Tensor value)
    {
        var parameter = new TorchSharp.Modules.Parameter(value.detach().clone(), requires_grad: true);
        parameter.DetachFromDisposeScope();
        return parameter;
    }

    /// <summary>Design matrix and responses y = X·w + 0.5 + noise(σ = 0.3) with w = (1, −1, 2, …), outside any dispose scope.</summary>
    public static (Tensor X, Tensor Y) Simulate(int n, int d)
    {
        using var scope = NewDisposeScope();
        var x = randn(n, d);
        var w = arange(d).remainder(3).sub(1).mul(1.5f); // −1.5, 0, 1.5, …
        var y = x.matmul(w).add(0.5f).add(randn(n).mul(0.3f));
        return (x.MoveToOuterDisposeScope(), y.MoveToOuterDisposeScope());
    }

    /// <summary>The regression model.</summary>
    public static Tensor Model((Tensor X, Tensor Y) data)
    {
        var (x, y) = data;
        long d = x.shape[1];
        var w = Sample("w", new Normal(zeros(d, dtype: x.dtype, device: x.device), 1.0).ToEvent(1));
        var b = Sample("b", new Normal(zeros(1, dtype: x.dtype, device: x.device).squeeze(), 1.0));
        var sigma = Sample("sigma", new LogNormal(zeros(1, dtype: x.dtype, device: x.device).squeeze(), 1.0));
        using var plate = Plate("data", x.shape[0]);
#pragma warning disable PPL0002 // the same product as the hand-written baseline above; the shapes are fixed and never vectorized
        return Sample("y", new Normal(x.matmul(w).add(b), sigma), obs: y);
#pragma warning restore PPL0002
    }

    /// <summary>Mean-field normal guide: loc and positive scale per latent, σ as a LogNormal (a normal on log σ).</summary>
    public static Tensor MeanFieldGuide((Tensor X, Tensor Y) data)
    {
        var x = data.X;
        long d = x.shape[1];
        var wLoc = Param("w_loc", () => zeros(d, dtype: x.dtype, device: x.device));
        var wScale = Param("w_scale", () => full(d, 0.1, dtype: x.dtype, device: x.device), Constraints.Positive);
        var bLoc = Param("b_loc", () => zeros(1, dtype: x.dtype, device: x.device).squeeze());
        var bScale = Param("b_scale", () => full(1, 0.1, dtype: x.dtype, device: x.device).squeeze(), Constraints.Positive);
        var sLoc = Param("sigma_loc", () => zeros(1, dtype: x.dtype, device: x.device).squeeze());
        var sScale = Param("sigma_scale", () => full(1, 0.1, dtype: x.dtype, device: x.device).squeeze(), Constraints.Positive);
        Sample("w", new Normal(wLoc, wScale).ToEvent(1));
        Sample("b", new Normal(bLoc, bScale));
        return Sample("sigma", new LogNormal(sLoc, sScale));
    }
}
