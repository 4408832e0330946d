using Ppl.Distributions;
using static TorchSharp.torch;

namespace Ppl.Inference.Guides;

/// <summary>
/// Chooses the initial value of a latent site from its name and (plate-broadcast) distribution,
/// in constrained space and of shape <c>BatchShape + EventShape</c> (Pyro's <c>init_loc_fn</c>).
/// Autoguides apply it once, while tracing the model's prototype, through an <see cref="InitMessenger"/>.
/// </summary>
/// <param name="siteName">The latent site's name.</param>
/// <param name="distribution">The site's distribution, as broadcast by its plates.</param>
/// <param name="generator">
/// What a random strategy must draw with: the site's generator under a seeded run (so the run
/// repeats), null otherwise (the default generator).
/// </param>
public delegate Tensor InitStrategy(string siteName, Distribution distribution, Generator? generator);
