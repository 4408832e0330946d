using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Ppl.Benchmarks.TraceBenchmarks).Assembly).Run(args);
