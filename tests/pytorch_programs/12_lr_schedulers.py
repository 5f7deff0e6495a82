"""Learning-rate schedules: the lr each scheduler gives, epoch by epoch, in PyTorch's step order."""

# ruff: noqa: B007  (the tutorials' own idioms, kept on purpose)

import torch
import torch.nn as nn
from torch.optim.lr_scheduler import (
    CosineAnnealingLR,
    ExponentialLR,
    LambdaLR,
    MultiStepLR,
    ReduceLROnPlateau,
    StepLR,
)


def fresh_optimizer(lr=0.1):
    model = nn.Linear(2, 1)
    return torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)


def run(name, make_scheduler, epochs=8):
    optimizer = fresh_optimizer()
    scheduler = make_scheduler(optimizer)
    lrs = []
    for epoch in range(epochs):
        optimizer.step()
        lrs.append(round(optimizer.param_groups[0]["lr"], 6))
        scheduler.step()
    print(f"{name:>12}:", lrs, "last", [round(v, 6) for v in scheduler.get_last_lr()])


run("StepLR", lambda opt: StepLR(opt, step_size=3, gamma=0.5))
run("MultiStepLR", lambda opt: MultiStepLR(opt, milestones=[2, 5], gamma=0.1))
run("ExponentialLR", lambda opt: ExponentialLR(opt, gamma=0.9))
run("Cosine", lambda opt: CosineAnnealingLR(opt, T_max=6, eta_min=0.001), epochs=10)
run("LambdaLR", lambda opt: LambdaLR(opt, lr_lambda=lambda epoch: 1.0 / (epoch + 1)))

optimizer = fresh_optimizer(lr=1.0)
plateau = ReduceLROnPlateau(optimizer, mode="min", factor=0.5, patience=2)
for epoch, val_loss in enumerate([1.0, 0.9, 0.95, 0.92, 0.91, 0.93, 0.8, 0.85, 0.86, 0.87, 0.88]):
    plateau.step(val_loss)
    print(epoch, val_loss, optimizer.param_groups[0]["lr"])

rng_free = nn.Linear(3, 1)
with torch.no_grad():
    rng_free.weight.fill_(0.5)
    rng_free.bias.fill_(0.0)
optimizer = torch.optim.SGD(rng_free.parameters(), lr=0.02)
scheduler = StepLR(optimizer, step_size=2, gamma=0.1)
x = torch.tensor([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
target = torch.tensor([[1.0], [0.0]])
for epoch in range(5):
    optimizer.zero_grad()
    loss = nn.functional.mse_loss(rng_free(x), target)
    loss.backward()
    optimizer.step()
    scheduler.step()
    print(f"epoch {epoch} loss {loss.item():.5f} lr {scheduler.get_last_lr()[0]:.4f}")
print(
    "state",
    {k: v for k, v in scheduler.state_dict().items() if k in ("step_size", "gamma", "last_epoch")},
)
