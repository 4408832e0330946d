using TorchSharp;

Console.WriteLine(torch.randn(3).sum().item<float>());
