"""Every optimiser on the same small problem from the same start: the trajectories must agree."""

# ruff: noqa: B007  (the tutorials' own idioms, kept on purpose)

import torch
import torch.nn as nn
import torch.optim as optim

X = torch.tensor([[1.0, 2.0], [2.0, -1.0], [-1.0, 0.5], [0.5, 1.5]])
y = torch.tensor([[1.0], [0.0], [-1.0], [2.0]])


def make_model():
    model = nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.copy_(torch.tensor([[0.3, -0.2]]))
        model.bias.fill_(0.1)
    return model


optimizers = {
    "SGD": lambda p: optim.SGD(p, lr=0.05),
    "SGD momentum": lambda p: optim.SGD(p, lr=0.05, momentum=0.9),
    "SGD nesterov": lambda p: optim.SGD(p, lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-2),
    "Adam": lambda p: optim.Adam(p, lr=0.1),
    "Adam wd": lambda p: optim.Adam(p, lr=0.1, betas=(0.8, 0.99), weight_decay=0.01),
    "AdamW": lambda p: optim.AdamW(p, lr=0.1),
    "RMSprop": lambda p: optim.RMSprop(p, lr=0.01),
    "Adagrad": lambda p: optim.Adagrad(p, lr=0.5),
    "Adadelta": lambda p: optim.Adadelta(p, lr=1.0),
}

for name, make in optimizers.items():
    model = make_model()
    optimizer = make(model.parameters())
    losses = []
    for step in range(10):
        optimizer.zero_grad()
        loss = nn.functional.mse_loss(model(X), y)
        loss.backward()
        optimizer.step()
        losses.append(round(loss.item(), 5))
    w = [round(v, 5) for v in model.weight.flatten().tolist()]
    print(
        f"{name:>13}: losses {losses[0]} {losses[4]} {losses[9]}",
        f"weight {w} bias {model.bias.item():.5f}",
    )

model = make_model()
opt = optim.SGD([{"params": [model.weight]}, {"params": [model.bias], "lr": 0.5}], lr=0.1)
nn.functional.mse_loss(model(X), y).backward()
opt.step()
print(
    "param groups:",
    len(opt.param_groups),
    [g["lr"] for g in opt.param_groups],
    round(model.bias.item(), 5),
)
for group in opt.param_groups:
    group["lr"] = 0.01
print("lr set by hand:", [g["lr"] for g in opt.param_groups])
group = optim.Adam(make_model().parameters()).state_dict()["param_groups"][0]
print(
    "Adam group:", group["lr"], group["betas"], group["eps"], group["weight_decay"], group["params"]
)
