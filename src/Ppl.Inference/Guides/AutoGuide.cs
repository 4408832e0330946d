using System.Collections.Immutable;
using Ppl.Distributions;
using Ppl.Distributions.Transforms;
using Ppl.Effects;
using Ppl.Handlers;
using Ppl.Params;
using static Ppl.Primitives;
using static TorchSharp.torch;

namespace Ppl.Inference.Guides;

/// <summary>
/// Base of the automatic guides (Pyro's <c>AutoGuide</c>): a variational family built from the
/// model itself. The first call runs the model once (the prototype, under the
/// <see cref="InitStrategy"/>) to learn every latent site's shape, support and plates; later calls
/// only read parameters named <c>{Prefix}.{kind}.{site}</c> from the active
/// <see cref="Params.ParamStore"/> and sample the latent sites.
/// </summary>
/// <example><code>
/// var guide = new AutoNormal&lt;Tensor&gt;(Model);
/// var svi = new Svi&lt;Tensor&gt;(Model, guide.Guide, new Adam(0.01), new TraceElbo());
/// svi.Fit(data, 2000);
/// var medians = guide.Median(data);
/// </code></example>
/// <typeparam name="TArgs">The argument of the model (and of the guide).</typeparam>
public abstract class AutoGuide<TArgs> : IDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly Dictionary<string, Tensor> _initUnconstrained = new(StringComparer.Ordinal);
    private ImmutableArray<LatentSite>? _sites;
    private ImmutableArray<PlateFrame> _plates = ImmutableArray<PlateFrame>.Empty;
    private ImmutableHashSet<string> _givenSubsamplePlates = ImmutableHashSet<string>.Empty;
    private Dictionary<string, PlateFrame>? _enteredFrames;
    private bool _disposed;

    /// <summary>An autoguide for <paramref name="model"/>.</summary>
    /// <param name="model">The model whose latent sites the guide covers.</param>
    /// <param name="prefix">Prefix of the guide's parameter names; the class name (e.g. <c>AutoNormal</c>) when null.</param>
    /// <param name="init">How latent values (and so the guide's locations) start.</param>
    protected AutoGuide(Func<TArgs, object?> model, string? prefix, InitStrategy init)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Init = init ?? throw new ArgumentNullException(nameof(init));
        Prefix = string.IsNullOrEmpty(prefix) ? DefaultPrefix(GetType()) : prefix;
    }

    /// <summary>The model the guide was built for.</summary>
    public Func<TArgs, object?> Model { get; }

    /// <summary>Prefix of the guide's parameter names.</summary>
    public string Prefix { get; }

    /// <summary>The strategy that gave the prototype's latent values.</summary>
    public InitStrategy Init { get; }

    /// <summary>
    /// The store <see cref="Median"/>, <see cref="Quantiles"/> and the posterior accessors read when
    /// no store is active; remembered from the last <see cref="Guide"/> call, or set by hand.
    /// </summary>
    public ParamStore? ParamStore { get; set; }

    /// <summary>
    /// The subsample indices of the model's plates for one call, by plate name (Pyro's
    /// <c>create_plates</c>): when it returns indices for a plate, the guide enters the plate with
    /// them instead of drawing a subsample of its own. A model whose plate takes its rows from its
    /// argument (<c>batch.Plate("data")</c> over a <see cref="Ppl.Data.MiniBatch"/>) needs it,
    /// because the guide runs first and the model replays the guide's indices:
    /// <c>new AutoNormal&lt;Batch&gt;(Model) { Subsamples = (b, plate) =&gt; b.Rows.Indices() }</c>.
    /// Return null for a plate the guide should subsample itself.
    /// </summary>
    public Func<TArgs, string, Tensor?>? Subsamples { get; init; }

    /// <summary>The <see cref="Subsamples"/> of the <see cref="AutoGuideList{TArgs}"/> this guide is a member of, used when the guide has none.</summary>
    internal Func<TArgs, string, Tensor?>? InheritedSubsamples { get; set; }

    /// <summary>Plates entered by earlier members of the <see cref="AutoGuideList{TArgs}"/> running this guide, so each plate is entered once per run.</summary>
    internal Dictionary<string, Tensor>? SharedPlateIndices { get; set; }

    /// <summary>True once the prototype has run.</summary>
    public bool IsInitialized => _sites is not null;

    /// <summary>The latent sites the guide covers, in model order.</summary>
    /// <exception cref="InvalidOperationException">The guide has not run yet.</exception>
    public IReadOnlyList<LatentSite> Sites => _sites ?? throw new InvalidOperationException($"{Prefix}: the guide has not seen the model yet; call Guide, Median or Initialize first.");

    /// <summary>
    /// The guide program: draws every latent site of the model and returns the constrained
    /// values by site name. Pass it (as a method group) to <see cref="Svi{TArgs}"/>.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> Guide(TArgs args)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (ParamStore.Active is { } active)
        {
            ParamStore = active;
        }

        Initialize(args);
        return GuideCore(args);
    }

    /// <summary>Runs the prototype now (otherwise the first <see cref="Guide"/> call does).</summary>
    /// <exception cref="InvalidOperationException">The model has no latent sample sites.</exception>
    /// <exception cref="NotSupportedException">A latent site is discrete, or sits where this guide cannot follow it.</exception>
    public void Initialize(TArgs args)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_sites is null)
        {
            RunPrototype(args);
        }
    }

    /// <summary>The posterior median of every latent site, in constrained space.</summary>
    public IReadOnlyDictionary<string, Tensor> Median(TArgs args) => WithParams(args, () => MedianCore(args));

    /// <summary>
    /// Posterior quantiles of every latent site: for each site a tensor of shape
    /// <c>[qs.Length] + site shape</c>, computed per coordinate in unconstrained space and pushed
    /// through the site's transform.
    /// </summary>
    /// <exception cref="ArgumentException">No quantile given, or one outside (0, 1).</exception>
    public IReadOnlyDictionary<string, Tensor> Quantiles(TArgs args, params double[] qs)
    {
        ArgumentNullException.ThrowIfNull(qs);
        if (qs.Length == 0 || qs.Any(q => !(q > 0 && q < 1)))
        {
            throw new ArgumentException($"Quantiles must be in (0, 1); got [{string.Join(", ", qs)}].", nameof(qs));
        }

        return WithParams(args, () => QuantilesCore(args, qs));
    }

    /// <summary>
    /// Every latent site's posterior median and central <paramref name="interval"/> (by default the
    /// 5% and 95% quantiles), per element, as a result that prints as a table:
    /// <c>Console.WriteLine(guide.Summary(data))</c>.
    /// </summary>
    /// <param name="args">The model's argument.</param>
    /// <param name="interval">The probability mass of the central interval, in (0, 1).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="interval"/> is not in (0, 1).</exception>
    public GuideSummary Summary(TArgs args, double interval = 0.9)
    {
        if (!(interval > 0 && interval < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(interval), interval, "The interval's probability mass must be in (0, 1), e.g. 0.9 for the 5% and 95% quantiles.");
        }

        double lower = (1 - interval) / 2, upper = 1 - lower;
        var medians = Median(args);
        var quantiles = Quantiles(args, lower, upper);
        var sites = medians.Select(kv => new SiteSummary(kv.Key, kv.Value, quantiles[kv.Key][0], quantiles[kv.Key][1])).ToList();
        return new GuideSummary(Prefix, sites, lower, upper);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the prototype's tensors.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (disposing)
        {
            foreach (var d in _owned)
            {
                d.Dispose();
            }

            _owned.Clear();
            _initUnconstrained.Clear();
        }
    }

    /// <summary>Draws the latent sites (the prototype has run); returns constrained values by name.</summary>
    protected abstract IReadOnlyDictionary<string, Tensor> GuideCore(TArgs args);

    /// <summary>Constrained medians by site name (a store is active, gradients are off).</summary>
    protected abstract IReadOnlyDictionary<string, Tensor> MedianCore(TArgs args);

    /// <summary>Constrained quantiles by site name, each <c>[qs.Length] + shape</c> (a store is active, gradients are off).</summary>
    protected abstract IReadOnlyDictionary<string, Tensor> QuantilesCore(TArgs args, double[] qs);

    /// <summary>
    /// Whether the latent site <paramref name="name"/> is left to a hand-written guide
    /// (<see cref="AutoCallable{TArgs}"/>): the prototype does not describe it, so it may be of any
    /// kind (discrete, or where an autoguide cannot follow it), and it is not in <see cref="Sites"/>.
    /// </summary>
    private protected virtual bool HandsOff(string name) => false;

    /// <summary>The model's latent sites the prototype saw and left to hand-written guides (<see cref="HandsOff"/>).</summary>
    private protected ImmutableHashSet<string> HandedOff { get; private set; } = ImmutableHashSet<string>.Empty;

    /// <summary>Rejects sites this guide cannot represent; called once after the prototype.</summary>
    protected virtual void Validate(IReadOnlyList<LatentSite> sites)
    {
    }

    /// <summary>The initial unconstrained value of <paramref name="site"/> at full size (owned by the guide; clone before keeping it).</summary>
    protected Tensor InitialUnconstrained(LatentSite site)
    {
        ArgumentNullException.ThrowIfNull(site);
        return _initUnconstrained[site.Name];
    }

    /// <summary>
    /// Enters every vectorized plate the covered sites use, once, so the guide trace records their
    /// subsample indices (the model replays them); returns the indices by plate name. A plate
    /// takes its indices from a sibling member of an <see cref="AutoGuideList{TArgs}"/> that entered
    /// it already, else from <see cref="Subsamples"/>, else draws them.
    /// </summary>
    /// <exception cref="NotSupportedException">The model gave a plate explicit subsample indices and <see cref="Subsamples"/> gives none for it.</exception>
    protected IReadOnlyDictionary<string, Tensor> EnterPlates(TArgs args)
    {
        var indices = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        var entered = new Dictionary<string, PlateFrame>(StringComparer.Ordinal);
        foreach (var frame in _plates)
        {
            if (frame.Size < 0)
            {
                continue; // a plate of any size has no indices to share with the model
            }

            if (SharedPlateIndices is { } shared && shared.TryGetValue(frame.Name, out var fromSibling))
            {
                indices[frame.Name] = fromSibling; // a sibling guide of an AutoGuideList entered it already
                entered[frame.Name] = frame with { SubsampleSize = fromSibling.Shape()[0] };
                continue;
            }

            var given = (Subsamples ?? InheritedSubsamples)?.Invoke(args, frame.Name);
            if (given is null && _givenSubsamplePlates.Contains(frame.Name))
            {
                throw new NotSupportedException(
                    $"{Prefix}: the model's plate '{frame.Name}' takes its subsample indices from the model's argument (e.g. MiniBatch.Plate), and the guide runs before the model, " +
                    $"so it cannot know them; set the guide's Subsamples to hand them over, e.g. new {DefaultPrefix(GetType())}<TArgs>(model) {{ Subsamples = (args, plate) => args.Batch.Indices() }}.");
            }

            using var plate = given is null ? Plate(frame.Name, frame.Size, frame.SubsampleSize, frame.Dim) : Plate(frame.Name, frame.Size, given, frame.Dim);
            indices[frame.Name] = plate.Indices;
            entered[frame.Name] = frame with { SubsampleSize = plate.Indices.Shape()[0] };
            SharedPlateIndices?.Add(frame.Name, plate.Indices);
        }

        _enteredFrames = entered;
        return indices;
    }

    /// <summary>
    /// Selects the current subsample of the full-size parameter <paramref name="full"/> (whose
    /// rightmost <paramref name="eventDim"/> dims are event dims) along every subsampled plate of <paramref name="site"/>.
    /// </summary>
    protected static Tensor Subsample(Tensor full, LatentSite site, int eventDim, IReadOnlyDictionary<string, Tensor> plateIndices)
    {
        ArgumentNullException.ThrowIfNull(full);
        ArgumentNullException.ThrowIfNull(site);
        ArgumentNullException.ThrowIfNull(plateIndices);
        var result = full;
        foreach (var frame in site.Plates.Where(p => p.SubsampleSize < p.Size))
        {
            long axis = LatentSite.PlateAxis(frame, result.dim(), eventDim);
            if (axis < 0)
            {
                continue;
            }

            // advanced indexing rather than index_select, which has no meta kernel
            var index = new TensorIndex[axis + 1];
            Array.Fill(index, TensorIndex.Colon);
            index[axis] = TensorIndex.Tensor(plateIndices[frame.Name].to(result.device));
            result = result.index(index);
        }

        return result;
    }

    /// <summary>Samples site <paramref name="site"/> from <paramref name="distribution"/> inside the site's plates (without drawing new subsample indices).</summary>
    protected Tensor SampleInPlates(LatentSite site, Distribution distribution)
    {
        ArgumentNullException.ThrowIfNull(site);
        return InPlates(Frames(site), 0, () => Masked(site, () => Sample(site.Name, distribution)));
    }

    /// <summary><see cref="SampleInPlates(LatentSite, Distribution)"/> whose default draw is <paramref name="sharedDraw"/>'s while no handler changes how the site draws (<see cref="Primitives.Sample(string, Distribution, Func{Tensor})"/>).</summary>
    private protected Tensor SampleInPlates(LatentSite site, Distribution distribution, Func<Tensor> sharedDraw)
    {
        ArgumentNullException.ThrowIfNull(site);
        return InPlates(Frames(site), 0, () => Masked(site, () => Primitives.Sample(site.Name, distribution, sharedDraw)));
    }

    /// <summary>
    /// The site's plates as this run entered them: a subsample handed over by <see cref="Subsamples"/>
    /// may be smaller than the prototype's (an epoch's last batch).
    /// </summary>
    private ImmutableArray<PlateFrame> Frames(LatentSite site) =>
        _enteredFrames is { Count: > 0 } entered
            ? [.. site.Plates.Select(p => entered.TryGetValue(p.Name, out var now) ? p with { SubsampleSize = now.SubsampleSize } : p)]
            : site.Plates;

    /// <summary>The standard normal quantiles Φ⁻¹(q) as a 1-D tensor of the dtype and device of <paramref name="like"/>.</summary>
    protected static Tensor NormalQuantiles(double[] qs, Tensor like)
    {
        ArgumentNullException.ThrowIfNull(qs);
        ArgumentNullException.ThrowIfNull(like);
        using var q = tensor(qs, dtype: ScalarType.Float64);
        using var z = q.mul(2.0).sub(1.0).erfinv().mul(Math.Sqrt(2.0));
        return z.to(like.dtype, like.device);
    }

    /// <summary>Runs <paramref name="body"/> under the model site's mask, so the guide scores exactly the entries the model scores.</summary>
    private static Tensor Masked(LatentSite site, Func<Tensor> body)
    {
        if (!site.MaskAll)
        {
            return new MaskMessenger(false).Run(body);
        }

        return site.Mask is { } mask ? new MaskMessenger(mask).Run(body) : body();
    }

    private static Tensor InPlates(ImmutableArray<PlateFrame> frames, int i, Func<Tensor> body) =>
        i == frames.Length ? body() : new PlateMessenger(frames[i]).Run(() => InPlates(frames, i + 1, body));

    /// <summary>Runs <paramref name="body"/> without gradients, with a store active (the active one or <see cref="ParamStore"/>) and the prototype run.</summary>
    /// <exception cref="InvalidOperationException">No store is active or known.</exception>
    protected T WithParams<T>(TArgs args, Func<T> body)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using (no_grad())
        {
            if (ParamStore.Active is not null)
            {
                Initialize(args);
                return body();
            }

            var store = ParamStore ?? throw new InvalidOperationException(
                $"{Prefix}: no ParamStore is active and the guide has not run under one; activate the store (using (store.Activate())) or set ParamStore.");
            using (store.Activate())
            {
                Initialize(args);
                return body();
            }
        }
    }

    private void RunPrototype(TArgs args)
    {
        var scope = NewDisposeScope();
        try
        {
            Trace trace;
            using (no_grad())
            {
                // hide the prototype from outer handlers (particle plates, seeds, traces) but let
                // the model's own params reach the store
                // the block also hides the enclosing seed, so a seeded run seeds the prototype
                // itself (inside the init handler, which hands the strategy each site's generator)
                var seed = SeedMessenger.DerivedSeed(Prefix + "/prototype");
                using (new BlockMessenger(m => m.Kind != SiteKind.Param).Install())
                {
                    var seeded = seed is long s ? Model.Seed(s) : Model;
                    var given = new GivenSubsampleProbe();
                    trace = seeded.With(() => new InitMessenger(Init)).With(() => given).GetTrace(args);
                    _givenSubsamplePlates = given.Plates;
                }

                // sites the model marks for enumeration are summed out by TraceEnumElbo, not guided (Pyro's prototype_hide_fn)
                var all = trace.LatentSites.Where(s => s.Infer.Enumerate is null).ToList();
                HandedOff = all.Where(s => HandsOff(s.Name)).Select(s => s.Name).ToImmutableHashSet(StringComparer.Ordinal);
                var sites = all.Where(s => !HandedOff.Contains(s.Name)).ToList();
                if (all.Count == 0)
                {
                    throw new InvalidOperationException($"{Prefix}: the model has no latent sample sites, so there is nothing for an autoguide to fit.\n{trace.FormatShapes()}");
                }

                var infos = sites.Select(Describe).ToImmutableArray();
                Validate(infos);
                _plates = infos.SelectMany(s => s.Plates).DistinctBy(p => p.Name).ToImmutableArray();
                _sites = infos;
            }
        }
        finally
        {
            // keep every tensor of the prototype (supports may hold tensor bounds); freed on Dispose
            var kept = scope.DisposablesView.ToList();
            scope.Detach(kept);
            _owned.AddRange(kept);
            scope.Dispose();
        }
    }

    private LatentSite Describe(Site site)
    {
        var d = site.Distribution!;
        if (d.Support.IsDiscrete)
        {
            throw new NotSupportedException(
                $"{Prefix}: latent site '{site.Name}' is discrete ({d}); autoguides are continuous. Marginalize it out, observe it, or give it a hand-written guide.");
        }

        foreach (var frame in site.Plates.Where(p => !p.IsVectorized && p.SubsampleSize < p.Size))
        {
            throw new NotSupportedException($"{Prefix}: site '{site.Name}' lies in the subsampled sequential plate '{frame.Name}'; autoguides follow vectorized plates only.");
        }

        var plates = site.Plates.Where(p => p.IsVectorized).Select(p => p with { Counter = 0 }).ToImmutableArray();
        var transform = Bijectors.BijectTo(d.Support);
        int eventDim = d.EventShape.Length;
        int uEventDim = eventDim - transform.CodomainEventDim + transform.DomainEventDim;
        var value = site.Value!;
        var unconstrained = transform.Inverse(value);
        foreach (var frame in plates.Where(p => p.SubsampleSize < p.Size))
        {
            long axis = LatentSite.PlateAxis(frame, unconstrained.dim(), uEventDim);
            if (axis >= 0)
            {
                unconstrained = ToFullSize(unconstrained, axis, frame.Size);
            }
        }

        var full = unconstrained.detach().clone();
        full.DetachFromDisposeScope();
        _owned.Add(full);
        _initUnconstrained[site.Name] = full;
        long[] shape = [.. value.Shape()];
        foreach (var frame in plates)
        {
            long axis = LatentSite.PlateAxis(frame, shape.Length, eventDim);
            if (axis >= 0)
            {
                shape[axis] = frame.Size;
            }
        }

        CheckMaskNotSubsampled(site, plates);
        return new LatentSite(site.Name, shape, eventDim, d.Support, transform, [.. full.Shape()], uEventDim, plates, value.dtype, value.device)
        {
            Mask = site.Mask?.clone(), // a copy: the prototype's mask may be an alias of a tensor the user changes later
            MaskAll = site.MaskAll,
        };
    }

    /// <summary>
    /// A mask that varies along a subsampled plate belongs to the prototype's subsample only; the
    /// guide could not reuse it for the next one.
    /// </summary>
    private void CheckMaskNotSubsampled(Site site, ImmutableArray<PlateFrame> plates)
    {
        if (site.Mask is not { } mask)
        {
            return;
        }

        long[] maskShape = mask.Shape();
        foreach (var frame in plates.Where(p => p.SubsampleSize < p.Size))
        {
            long axis = maskShape.Length + frame.Dim!.Value;
            if (axis >= 0 && maskShape[axis] > 1)
            {
                throw new NotSupportedException(
                    $"{Prefix}: latent site '{site.Name}' is masked (by obsMask or a mask handler) with a mask of shape {ShapeUtil.Format(maskShape)} that varies along the subsampled plate '{frame.Name}'; " +
                    "an autoguide reuses the prototype's mask and cannot follow a subsample. Give the site a hand-written guide masked the same way, or do not subsample that plate.");
            }
        }
    }

    /// <summary>Repeats the subsample's initial values periodically along <paramref name="axis"/> up to the plate's full size.</summary>
    private static Tensor ToFullSize(Tensor value, long axis, long size)
    {
        long have = value.Shape()[axis];
        if (have == size)
        {
            return value;
        }

        var repeats = Enumerable.Repeat(1L, (int)value.dim()).ToArray();
        repeats[axis] = (size + have - 1) / have;
        return value.repeat(repeats).narrow(axis, 0, size);
    }

    private static string DefaultPrefix(Type type)
    {
        var name = type.Name;
        int tick = name.IndexOf('`', StringComparison.Ordinal);
        return tick < 0 ? name : name[..tick];
    }
}
