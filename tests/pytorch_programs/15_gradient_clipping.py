"""Gradient clipping: clip_grad_norm_ (returns the total norm) and clip_grad_value_."""

import torch
import torch.nn as nn

model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1))
with torch.no_grad():
    for i, p in enumerate(model.parameters()):
        p.copy_(torch.linspace(-1.0, 1.0, p.numel()).reshape(p.shape) * (i + 1))

x = torch.tensor([[1.0, 2.0, 3.0], [-1.0, 0.5, 2.0], [0.0, -3.0, 1.0]])
y = torch.tensor([[10.0], [-5.0], [3.0]])
loss = nn.MSELoss()(model(x), y)
loss.backward()
grads = [p.grad.clone() for p in model.parameters()]
total = torch.norm(torch.stack([torch.norm(g, 2) for g in grads]), 2)
print("total norm", round(total.item(), 4))

returned = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm=1.0)
print("clip_grad_norm_ returns", round(returned.item(), 4), type(returned).__name__)
clipped = torch.norm(torch.stack([p.grad.norm() for p in model.parameters()]))
print("after clipping", round(clipped.item(), 4))
print("direction kept", torch.allclose(model[0].weight.grad * total, grads[0], atol=1e-5))

model.zero_grad()
print("zero_grad sets None", all(p.grad is None for p in model.parameters()))
nn.MSELoss()(model(x), y).backward()
nn.utils.clip_grad_value_(model.parameters(), clip_value=0.5)
print(
    "max |grad| after clip_grad_value_", max(p.grad.abs().max().item() for p in model.parameters())
)
print(model[2].bias.grad)

model.zero_grad()
nn.MSELoss()(model(x), y).backward()
inf_norm = nn.utils.clip_grad_norm_(model.parameters(), 100.0, norm_type=float("inf"))
print("inf norm", round(inf_norm.item(), 4), "unchanged when below max_norm")

optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
for step in range(6):
    optimizer.zero_grad()
    loss = nn.MSELoss()(model(x), y)
    loss.backward()
    norm = nn.utils.clip_grad_norm_(model.parameters(), 2.0)
    optimizer.step()
    print(step, f"loss {loss.item():.4f} norm {norm.item():.4f}")
