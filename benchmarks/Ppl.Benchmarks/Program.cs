using System.Globalization;
using BenchmarkDotNet.Running;
using Ppl.Benchmarks.Steps;

if (args.Length > 0 && args[0] == "quick")
{
    QuickRunner.Run(args.Length > 1 ? args[1] : "", args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200);
    return;
}

if (args.Length > 0 && args[0] == "threads")
{
    int[] counts = args.Length > 2
        ? [.. args[2].Split(',').Select(c => int.Parse(c, CultureInfo.InvariantCulture))]
        : [.. new[] { 1, 2, Environment.ProcessorCount }.Distinct()];
    ThreadCountStudy.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3, counts, args.Length > 3 ? args[3] : "");
    return;
}

if (args.Length > 2 && args[0] == "compare")
{
    BuildComparison.Run(args[1], args[2], args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 10, args.Length > 4 ? args[4] : "", args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 200);
    return;
}

if (args.Length > 0 && args[0] == "interleaved")
{
    InterleavedRunner.Run(args.Length > 1 ? args[1] : "VaeBenchmarks", args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200);
    return;
}

if (args.Length > 0 && args[0] == "epoch")
{
    MnistEpochRunner.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 6, args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 0);
    return;
}

if (args.Length > 0 && args[0] == "micro")
{
    MicroCosts.Run();
    return;
}

if (args.Length > 0 && args[0] == "profile")
{
    PhaseProfiler.Run(args.Length > 1 ? args[1] : "scalar", args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 200);
    return;
}

if (args.Length > 0 && args[0] == "nuts")
{
    Ppl.Benchmarks.Mcmc.NutsRunner.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3);
    return;
}

if (args.Length > 0 && args[0] == "enum-hmm")
{
    EnumerationScaling.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3);
    return;
}

if (args.Length > 0 && args[0] == "onednn")
{
    OneDnnCost.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 200);
    return;
}

if (args.Length > 0 && args[0] == "route")
{
    RouteChunks.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 3);
    return;
}

if (args.Length > 1 && args[0] == "em-memory")
{
    EmMemory.Run(args[1] switch
    {
        "release" => true,
        "keep" => false,
        _ => throw new ArgumentException($"em-memory takes release or keep, not {args[1]}."),
    });
    return;
}

if (args.Length > 0 && args[0] == "train-forever")
{
    TrainingLoad.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1);
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Ppl.Benchmarks.TraceBenchmarks).Assembly).Run(args);
