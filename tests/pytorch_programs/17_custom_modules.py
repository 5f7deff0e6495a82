"""Custom nn.Module classes: Parameter, ModuleList, ModuleDict, freezing, apply, modes."""

# ruff: noqa: RUF007  (the tutorials' own idioms, kept on purpose)

import torch
import torch.nn as nn
import torch.nn.functional as F


class MyLinear(nn.Module):
    def __init__(self, in_units, units):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(in_units, units) * 0.1)
        self.bias = nn.Parameter(torch.zeros(units))

    def forward(self, X):
        return F.relu(torch.matmul(X, self.weight.data) + self.bias.data)


class MLP(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        self.layers = nn.ModuleList([nn.Linear(a, b) for a, b in zip(sizes, sizes[1:])])
        self.heads = nn.ModuleDict({"cls": nn.Linear(sizes[-1], 3), "reg": nn.Linear(sizes[-1], 1)})
        self.register_buffer("scale", torch.tensor(2.0))
        self.activation = nn.ReLU()

    def forward(self, x, head="cls"):
        for layer in self.layers:
            x = self.activation(layer(x))
        return self.heads[head](x) * self.scale


def init_constant(m):
    if isinstance(m, nn.Linear):
        nn.init.constant_(m.weight, 0.05)
        nn.init.zeros_(m.bias)


net = MLP([4, 6, 5])
net.apply(init_constant)
print(net)
for name, param in net.named_parameters():
    print(name, tuple(param.shape), param.requires_grad)
print("buffers:", [name for name, _ in net.named_buffers()], net.scale.item())
print("state_dict keys:", list(net.state_dict().keys()))
print("children:", [type(m).__name__ for m in net.children()])
print("modules:", len(list(net.modules())), [n for n, _ in net.named_modules()][:3])
print(
    "len and index:",
    len(net.layers),
    net.layers[-1].out_features,
    "cls" in net.heads,
    list(net.heads.keys()),
)

x = torch.tensor([[1.0, 2.0, 3.0, 4.0], [0.0, -1.0, 1.0, 0.5]])
print(net(x))
print(net(x, head="reg"))
print(net.training, net.eval().training, net.layers[0].training, net.train().training)

for param in net.layers.parameters():
    param.requires_grad = False
print(
    "trainable:",
    sum(p.numel() for p in net.parameters() if p.requires_grad),
    "of",
    sum(p.numel() for p in net.parameters()),
)
net(x).sum().backward()
print("frozen grad:", net.layers[0].weight.grad, "head grad:", net.heads["cls"].bias.grad)
net.requires_grad_(True)
print("all trainable again:", all(p.requires_grad for p in net.parameters()))

layer = MyLinear(5, 3)
print(layer.weight.shape, layer(torch.ones(2, 5)))
seq = nn.Sequential(nn.Linear(2, 2), nn.Identity(), nn.Sigmoid())
seq.add_module("softmax", nn.Softmax(dim=1))
print(len(seq), [type(m).__name__ for m in seq], type(seq[1:]).__name__, len(seq[1:]))
nn.init.xavier_uniform_(seq[0].weight)
nn.init.kaiming_normal_(seq[0].weight, nonlinearity="relu")
print(
    seq[0].weight.shape,
    "init changes values in place and keeps the Parameter:",
    isinstance(seq[0].weight, nn.Parameter),
)
