using System.Globalization;

namespace Ppl.Examples.CausalVae;

/// <summary>The causal VAE example's run settings, read from its command-line options.</summary>
internal sealed record CausalVaeSettings(
    int Images, int Epochs, bool Full, bool Smoke, double Beta, int Latent, int Hidden, double LearningRate, int BatchSize, int Test, string OutDir, bool Resume)
{
    /// <summary>The settings <paramref name="options"/> ask for.</summary>
    /// <exception cref="ArgumentException">An option is out of range, or --full is combined with --smoke.</exception>
    public static CausalVaeSettings From(ExampleOptions options)
    {
        bool full = options.GetFlag("full");
        if (full && options.Smoke)
        {
            throw new ArgumentException("--full and --smoke ask for opposite runs; give one of them.", nameof(options));
        }

        var s = new CausalVaeSettings(
            Images: options.Smoke ? 2000 : full ? checked((int)SpriteGrid.Count) : Int(options, "images", 60000),
            Epochs: AutoInt(options, "epochs", options.Smoke ? 2 : full ? 10 : 15),
            Full: full,
            Smoke: options.Smoke,
            Beta: options.GetDouble("beta", 50),
            Latent: Int(options, "latent", 2),
            Hidden: AutoInt(options, "hidden", options.Smoke ? 128 : 512),
            LearningRate: options.GetDouble("lr", 1e-3),
            BatchSize: Int(options, "batch-size", 100),
            Test: AutoInt(options, "test", options.Smoke ? 200 : 1000),
            OutDir: options.Get("out", "causal-vae-out"),
            Resume: options.Get("resume", "off") == "on");
        s.Check();
        return s;
    }

    /// <summary>What the run is called in the report.</summary>
    public string Kind => Smoke ? "smoke" : Full ? "full" : "default";

    private void Check()
    {
        var f = CultureInfo.InvariantCulture;
        if (Images < 1 || Epochs < 1 || Latent < 1 || Hidden < 2 || BatchSize < 1 || Test < 1 || !(Beta > 0) || !(LearningRate > 0))
        {
            throw new ArgumentException(string.Create(f,
                $"causal-vae: --images, --epochs, --latent, --batch-size and --test must be ≥ 1, --hidden ≥ 2, --beta and --lr > 0; got {Images}, {Epochs}, {Latent}, {BatchSize}, {Test}, {Hidden}, {Beta}, {LearningRate}."));
        }

        if (BatchSize > Images)
        {
            throw new ArgumentException(string.Create(f, $"causal-vae: --batch-size {BatchSize} is larger than the {Images} training units; lower it or train on more units."));
        }
    }

    private static int Int(ExampleOptions options, string name, int fallback) => checked((int)options.GetInt64(name, fallback));

    private static int AutoInt(ExampleOptions options, string name, int auto) => checked((int)options.GetInt64OrAuto(name, auto));
}
