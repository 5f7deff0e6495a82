"""BatchNorm1d/2d, LayerNorm, GELU: running statistics, train against eval, a small model."""

# ruff: noqa: B007  (the tutorials' own idioms, kept on purpose)

import numpy as np
import torch
import torch.nn as nn

rng = np.random.RandomState(7)
x = torch.tensor(rng.normal(2.0, 3.0, (32, 4)), dtype=torch.float32)

bn = nn.BatchNorm1d(4)
print(bn)
print(bn.running_mean, bn.running_var, bn.num_batches_tracked)
out = bn(x)
print(
    "train output mean",
    [round(v, 4) for v in out.mean(0).tolist()],
    "std",
    [round(v, 3) for v in out.std(0, unbiased=False).tolist()],
)
print("running_mean", [round(v, 4) for v in bn.running_mean.tolist()])
print("running_var", [round(v, 4) for v in bn.running_var.tolist()], bn.num_batches_tracked.item())
bn.eval()
print("eval output", [round(v, 4) for v in bn(x[:2]).flatten().tolist()])
print(sorted(bn.state_dict().keys()))

bn2 = nn.BatchNorm2d(3, momentum=0.5)
images = torch.tensor(rng.normal(0.0, 2.0, (4, 3, 5, 5)), dtype=torch.float32)
y = bn2(images)
print(y.shape, round(y.mean().item(), 4), [round(v, 4) for v in bn2.running_var.tolist()])

ln = nn.LayerNorm(4)
print(ln, ln.weight.shape, ln.bias.shape)
z = ln(x)
print(
    "layernorm row means",
    round(z.mean(-1).abs().max().item(), 4),
    "row std",
    round(z.std(-1, unbiased=False).mean().item(), 3),
)
ln2 = nn.LayerNorm([5, 5], elementwise_affine=False)
print(ln2(images).shape, len(list(ln2.parameters())))

gelu = nn.GELU()
t = torch.tensor([-2.0, -0.5, 0.0, 0.5, 2.0])
print(gelu(t))
print(nn.GELU(approximate="tanh")(t))
print(nn.LeakyReLU(0.1)(t), nn.functional.leaky_relu(t, 0.2))
print(nn.ELU()(t), nn.Softplus()(t))


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(4, 16),
            nn.BatchNorm1d(16),
            nn.GELU(),
            nn.Linear(16, 16),
            nn.LayerNorm(16),
            nn.ReLU(),
            nn.Linear(16, 1),
        )

    def forward(self, x):
        return self.net(x)


model = Block()
for name, p in model.named_parameters():
    p.data.copy_(torch.tensor(rng.uniform(-0.4, 0.4, tuple(p.shape)), dtype=torch.float32))
target = (x[:, :1] * 0.5 - x[:, 1:2]).detach()
optimizer = torch.optim.SGD(model.parameters(), lr=0.02)
for step in range(30):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(model(x), target)
    loss.backward()
    optimizer.step()
    if step % 10 == 0:
        print(step, round(loss.item(), 4))
model.eval()
print("eval loss", round(nn.functional.mse_loss(model(x), target).item(), 4))
print("running mean of the block's batchnorm", round(model.net[1].running_mean.sum().item(), 4))
