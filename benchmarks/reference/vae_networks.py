"""The 784-400-50 softplus VAE networks both reference scripts use (vae_step.py, vae_epoch.py), laid out
as the C# VaeEncoder/VaeDecoder (src/Ppl.Examples/VaeMnist): encoder heads location and scale = exp of
the second head, decoder Bernoulli logits."""
import math

import torch.nn as nn
import torch.nn.functional as F

X, H, Z = 784, 400, 50
HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden, self.loc, self.log_scale = nn.Linear(X, H), nn.Linear(H, Z), nn.Linear(H, Z)

    def forward(self, x):
        h = F.softplus(self.hidden(x))
        return self.loc(h), self.log_scale(h).exp()


class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden, self.logits = nn.Linear(Z, H), nn.Linear(H, X)

    def forward(self, z):
        return self.logits(F.softplus(self.hidden(z)))
