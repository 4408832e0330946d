namespace Ppl.Inference;

/// <summary>Checks on what a guide (or importance proposal) draws, shared by the ELBOs and <see cref="Importance{TArgs}"/>.</summary>
internal static class GuideDraws
{
    /// <summary>
    /// A guide draw of a site the model observes is an error: the model keeps its observation, so
    /// the draw is scored by the guide alone and the loss (or weight) is wrong.
    /// </summary>
    /// <exception cref="InvalidOperationException">The guide draws a site the model observes.</exception>
    public static void RejectObservedInModel(Trace model, Trace guide)
    {
        foreach (var site in guide.LatentSites.Where(s => !s.Infer.IsAuxiliary && model.TryGetSite(s.Name, out var m) && m.IsObserved))
        {
            throw new InvalidOperationException(
                $"The guide draws site '{site.Name}', which the model observes; a guide may only draw the model's latent sites. Remove '{site.Name}' from the guide.\n{guide.FormatShapes()}");
        }
    }
}
