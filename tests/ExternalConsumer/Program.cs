using System.Globalization;
using TorchSharp;

// The first torch call loads libLibTorchSharp.so; it throws TypeInitializationException when the
// copy in the output folder still has the strong GLIBCXX_3.4.32 need (docs/design/native-loading.md).
float randomSum = torch.randn(3).sum().item<float>();
float onesSum = torch.ones(3).sum().item<float>();
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ones={onesSum} finite={float.IsFinite(randomSum)}"));
