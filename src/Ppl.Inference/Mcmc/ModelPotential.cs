using Ppl.Distributions;
using Ppl.Distributions.Transforms;
using Ppl.Handlers;
using Ppl.Inference.Guides;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Inference.Mcmc;

/// <summary>
/// The potential energy U(q) = −log p(x, data) − log |det ∂x/∂q| of a model at an unconstrained position
/// q, the state Hamiltonian Monte Carlo moves: every continuous latent site is a block of q mapped onto
/// its support by <see cref="Bijectors.BijectTo"/> (the log-Jacobian of that map enters U), and the
/// model is run with those values substituted, so its observed sites, <c>Factor</c>s, plates, masks
/// and subsampling scales enter as the trace's log-density does (<see cref="Trace.LogProbSum"/>).
/// </summary>
/// <remarks>
/// The sites are found by one run of the model under the init strategy at construction, which
/// also gives the initial position. The model's structure must not change between runs: a latent
/// site that was not there at construction is an error, not a silent prior draw. With
/// the chain count &gt; 1 every run evaluates that many positions at once, the model
/// running inside a plate of the chains left of its own batch dims (the model must broadcast, as
/// vectorized particles need).
/// </remarks>
/// <typeparam name="TArgs">The model's argument.</typeparam>
public sealed class ModelPotential<TArgs> : IDisposable
{
    /// <summary>The name of the plate of vectorized chains.</summary>
    public const string ChainPlate = "_mcmc_chains";

    private readonly Func<TArgs, object?> _model;
    private readonly TArgs _args;
    private readonly List<Tensor> _owned = [];
    private readonly ParticleLayout _chainLayout = ParticleLayout.One; // vectorized chains: a plate left of the model's batch dims

    /// <summary>Finds the latent sites of <paramref name="model"/> on <paramref name="args"/> and the initial position.</summary>
    /// <param name="model">The model; observed sites are its data.</param>
    /// <param name="args">The model's argument.</param>
    /// <param name="init">Where to start, in constrained space (<see cref="InitStrategies"/>); uniform on [−2, 2] in unconstrained space when null, as Pyro's MCMC starts.</param>
    /// <param name="seed">Seeds the initial run (a random <paramref name="init"/> repeats); null uses the default generator.</param>
    /// <param name="chains">Positions evaluated per run: 1 for one chain, more for vectorized chains (each drawn its own initial value).</param>
    /// <exception cref="NotSupportedException">A latent site is discrete, masked, or lies in a subsampled plate.</exception>
    /// <exception cref="InvalidOperationException">The model has no continuous latent site.</exception>
    public ModelPotential(Func<TArgs, object?> model, TArgs args, InitStrategy? init = null, long? seed = null, int chains = 1)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfLessThan(chains, 1);
        _model = model;
        _args = args;
        Chains = chains;
        init ??= InitStrategies.ToUniform();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        if (chains > 1)
        {
            _chainLayout = new ParticleLayout(chains, -(Vectorization.InferNesting(model, null, args) + 1));
        }

        var prototypeModel = Vectorization.InPlate(model, ChainPlate, _chainLayout);
        var seeded = seed is long s ? prototypeModel.Seed(s) : prototypeModel;
        var trace = seeded.With(() => new InitMessenger(init)).GetTrace(args);
        var sites = new List<PotentialSite>();
        var initial = new List<Tensor>();
        long offset = 0;
        foreach (var site in trace.LatentSites)
        {
            var d = site.Distribution!;
            Check(site, d);
            var transform = Bijectors.BijectTo(d.Support);
            var unconstrained = transform.Inverse(site.Value!);
            long[] shape = [.. d.BatchShape, .. d.EventShape];
            long[] unconstrainedShape = transform.InverseShape(shape);
            if (_chainLayout.Dim is int)
            {
                shape = WithoutChainDim(shape, d.EventShape.Length);
                unconstrainedShape = transform.InverseShape(shape);
            }

            var entry = new PotentialSite(site.Name, shape, d.EventShape.Length, transform, unconstrainedShape, offset);
            offset += entry.Size;
            sites.Add(entry);
            initial.Add(unconstrained.reshape(chains, -1));
        }

        if (sites.Count == 0)
        {
            throw new InvalidOperationException($"MCMC: the model has no continuous latent sample site, so there is nothing to sample.\n{trace.FormatShapes()}");
        }

        Sites = sites;
        Dimension = offset;
        var position = cat(initial, 1);
        InitialPosition = (chains == 1 ? position.reshape(-1) : position).detach().clone();
        InitialPosition.DetachFromDisposeScope();
        _owned.Add(InitialPosition);
    }

    /// <summary>The latent sites, in the order of their blocks in the position vector.</summary>
    public IReadOnlyList<PotentialSite> Sites { get; }

    /// <summary>The length D of the unconstrained position vector.</summary>
    public long Dimension { get; }

    /// <summary>The number of positions each run evaluates (vectorized chains).</summary>
    public int Chains { get; }

    /// <summary>The initial unconstrained position, [D] (or [chains, D]); owned by the potential.</summary>
    public Tensor InitialPosition { get; }

    /// <summary>
    /// U(q) and ∇U(q) at <paramref name="position"/> [D] (or [chains, D]): the energy [] (or [chains]) and
    /// the gradient shaped as the position, both detached. A position where the density is zero or not
    /// a number has energy +∞.
    /// </summary>
    /// <exception cref="ArgumentException">The position's shape is not the potential's.</exception>
    /// <exception cref="InvalidOperationException">The model ran a latent site it did not have at construction.</exception>
    public (Tensor Energy, Tensor Gradient) EnergyAndGradient(Tensor position)
    {
        CheckPosition(position);
        using var scope = NewDisposeScope();
        var (logDensity, gradient) = Differentiate(position.detach());
        var energy = logDensity.detach().neg();
        var finite = energy.masked_fill(energy.ne(energy), double.PositiveInfinity); // NaN ≠ NaN; nan_to_num and isnan have no meta kernel
        return (finite.MoveToOuterDisposeScope(), gradient.MoveToOuterDisposeScope());
    }

    /// <summary>
    /// log p (= −U, still attached to the graph; it may be NaN) and ∇U (detached) at <paramref name="q"/>, a tensor
    /// of its own (made a leaf here).
    /// </summary>
    private (Tensor LogDensity, Tensor Gradient) Differentiate(Tensor q)
    {
        using var grad = enable_grad();
        q.requires_grad_(true);
        var logDensity = LogDensity(q);
        // ∇U = −∇ log p: the backward pass starts from −1 instead of a negation op and its backward node
        var minusOne = TensorUtil.LibraryConstantLike(-1.0, logDensity);
        var gradient = autograd.grad([Chains == 1 ? logDensity : logDensity.sum()], [q], grad_outputs: [minusOne], allow_unused: true)[0] ?? zeros_like(q);
        return (logDensity, gradient);
    }

    /// <summary>
    /// U(q) and ∇U(q) at a host position <paramref name="position"/> of length D (one chain): the position is
    /// copied to the model's device and dtype, and the gradient back.
    /// </summary>
    /// <exception cref="ArgumentException">The position's length is not D, or the potential is vectorized over chains.</exception>
    public (double Energy, double[] Gradient) EnergyAndGradient(double[] position)
    {
        ArgumentNullException.ThrowIfNull(position);
        if (position.Length != Dimension || Chains != 1)
        {
            throw new ArgumentException($"ModelPotential: a host position must have length {Dimension} on a potential of one chain; got {position.Length} with {Chains} chains.", nameof(position));
        }

        // the sampler calls this at every leapfrog step: as few tensors as possible between the host and the model
        using var scope = NewDisposeScope();
        var (logDensity, gradient) = Differentiate(HostTensors.FromDoubles(position, InitialPosition.dtype, InitialPosition.device));
        double u = -HostTensors.ToDouble(logDensity);
        return (double.IsNaN(u) ? double.PositiveInfinity : u, HostTensors.ToDoubles(gradient));
    }

    /// <summary>
    /// U and ∇U of every chain's host position (length D each) in one run of the model, for a potential
    /// built for that many vectorized chains.
    /// </summary>
    /// <exception cref="ArgumentException">Not one position of length D per chain.</exception>
    public (double[] Energies, double[][] Gradients) EnergyAndGradient(double[][] positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        if (positions.Length != Chains || positions.Any(p => p.Length != Dimension))
        {
            throw new ArgumentException($"ModelPotential: expected {Chains} positions of length {Dimension}.", nameof(positions));
        }

        if (Chains == 1)
        {
            var (energy, gradient) = EnergyAndGradient(positions[0]);
            return ([energy], [gradient]);
        }

        using var scope = NewDisposeScope();
        var q = HostTensors.FromDoubles([.. positions.SelectMany(p => p)], InitialPosition.dtype, InitialPosition.device).reshape(Chains, Dimension);
        var (logDensities, gradients) = Differentiate(q);
        var flat = HostTensors.ToDoubles(gradients);
        var u = Array.ConvertAll(HostTensors.ToDoubles(logDensities.detach()), l => double.IsNaN(l) ? double.PositiveInfinity : -l);
        return (u, [.. Enumerable.Range(0, Chains).Select(c => flat.AsSpan(c * (int)Dimension, (int)Dimension).ToArray())]);
    }

    /// <summary>The constrained value of every latent site at <paramref name="positions"/> [..., D]: each [..., site shape].</summary>
    /// <exception cref="ArgumentException">The positions' last dim is not D.</exception>
    public IReadOnlyDictionary<string, Tensor> Constrain(Tensor positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        if (positions.dim() == 0 || positions.shape[^1] != Dimension)
        {
            throw new ArgumentException($"ModelPotential.Constrain: positions must end in the dimension {Dimension}; got {ShapeUtil.Format(positions.Shape())}.", nameof(positions));
        }

        long[] lead = positions.Shape()[..^1];
        return Sites.ToDictionary(
            s => s.Name,
            s => s.Transform.Forward(positions.narrow(-1, s.Offset, s.Size).reshape([.. lead, .. s.UnconstrainedShape])),
            StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var t in _owned)
        {
            t.Dispose();
        }

        _owned.Clear();
    }

    private Tensor LogDensity(Tensor q)
    {
        var values = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        Tensor? logJacobian = null;
        foreach (var site in Sites)
        {
            var u = Block(q, site);
            var x = u;
            if (site.Transform is not IdentityTransform) // a real site needs neither the map nor its zero log-Jacobian
            {
                x = site.Transform.Forward(u);
                var ladj = site.Transform.LogAbsDetJacobianReadOnly(u, x); // read only, so exp's log-Jacobian is u itself, not an alias op
                var term = TensorUtil.SumRightmost(ladj, (int)ladj.dim() - (Chains == 1 ? 0 : 1));
                logJacobian = logJacobian is null ? term : logJacobian.add(term);
            }

            values[site.Name] = Chains == 1 ? x : PadForChainPlate(x, site);
        }

        var trace = Vectorization.InPlate(_model, ChainPlate, _chainLayout).Substitute(values).GetTrace(_args);
        int latent = trace.LatentSites.Count();
        if (latent != Sites.Count)
        {
            var unknown = trace.LatentSites.Select(s => s.Name).Except(Sites.Select(s => s.Name)).ToList();
            throw new InvalidOperationException(
                $"MCMC: the model ran latent site(s) {string.Join(", ", unknown.Select(n => $"'{n}'"))} it did not have when the sampler was built; "
                + "HMC and NUTS need a fixed set of continuous latents (a site that only sometimes runs has no place in the position vector).");
        }

        Tensor logJoint;
        if (_chainLayout.Dim is int)
        {
            logJoint = trace.SampleSites.Select(s => _chainLayout.PerParticle(s.LogProb())).Aggregate((a, b) => a.add(b));
        }
        else
        {
            logJoint = trace.LogProbSum();
        }

        return logJacobian is null ? logJoint : logJoint.add(logJacobian);
    }

    /// <summary>Site <paramref name="site"/>'s block of <paramref name="q"/> in its unconstrained shape, in as few view ops as the shape allows (each op and its backward node costs microseconds at every leapfrog step).</summary>
    private Tensor Block(Tensor q, PotentialSite site)
    {
        if (Chains == 1 && site.UnconstrainedShape.Length == 0)
        {
            return q.select(0, site.Offset);
        }

        var block = q.narrow(-1, site.Offset, site.Size);
        long[] shape = Chains == 1 ? site.UnconstrainedShape : [Chains, .. site.UnconstrainedShape];
        return ShapeUtil.SameShape(block.Shape(), shape) ? block : block.reshape(shape);
    }

    private Tensor PadForChainPlate(Tensor x, PotentialSite site)
    {
        // [chains, batch..., event...] → [chains, 1..., batch..., event...] so the chain dim sits at the plate's dim
        int batchRank = site.Shape.Length - site.EventDim;
        int pad = -_chainLayout.Dim!.Value - 1 - batchRank;
        return pad <= 0 ? x : x.reshape([Chains, .. Enumerable.Repeat(1L, pad), .. site.Shape]);
    }

    private long[] WithoutChainDim(long[] shape, int eventDim)
    {
        // the chain plate broadcast the site to [chains, 1..., batch..., event...]; one chain's shape drops
        // the chain dim and the ones the plate's position padded in
        int batchRank = shape.Length - eventDim;
        int axis = batchRank + _chainLayout.Dim!.Value;
        if (axis < 0)
        {
            return shape;
        }

        var batch = shape[..batchRank].Where((_, i) => i != axis).SkipWhile(size => size == 1);
        return [.. batch, .. shape[batchRank..]];
    }

    private static void Check(Site site, Distribution d)
    {
        if (d.Support.IsDiscrete)
        {
            throw new NotSupportedException(
                $"MCMC: latent site '{site.Name}' is discrete ({d}); HMC and NUTS move continuous latents only. Observe it, or sum it out of the model by hand (e.g. MixtureSameFamily); enumeration of discrete latents is not available yet.");
        }

        if (site.Mask is not null || !site.MaskAll)
        {
            throw new NotSupportedException(
                $"MCMC: latent site '{site.Name}' is masked (obsMask or a mask handler); a masked latent has no density for its masked entries, so its posterior there is improper. Give those entries their prior or remove them from the model.");
        }

        foreach (var frame in site.Plates.Where(p => p.SubsampleSize < p.Size))
        {
            throw new NotSupportedException(
                $"MCMC: latent site '{site.Name}' lies in the subsampled plate '{frame.Name}' ({frame.SubsampleSize} of {frame.Size}); a subsample of a latent is not a fixed block of the position vector. Subsample observed sites only, or use the full plate.");
        }
    }

    private void CheckPosition(Tensor position)
    {
        ArgumentNullException.ThrowIfNull(position);
        long[] expected = Chains == 1 ? [Dimension] : [Chains, Dimension];
        if (!ShapeUtil.SameShape(position.Shape(), expected))
        {
            throw new ArgumentException($"ModelPotential: the position must be {ShapeUtil.Format(expected)}; got {ShapeUtil.Format(position.Shape())}.", nameof(position));
        }
    }
}
