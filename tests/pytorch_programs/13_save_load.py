"""Saving and loading: a state dict to "model.pth", a checkpoint with the optimiser, resuming."""

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim


class TheModelClass(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1 = nn.Linear(4, 8)
        self.fc2 = nn.Linear(8, 3)

    def forward(self, x):
        return self.fc2(torch.relu(self.fc1(x)))


def seeded_model():
    model = TheModelClass()
    rng = np.random.RandomState(5)
    for p in model.parameters():
        p.data = torch.tensor(rng.uniform(-0.5, 0.5, p.shape), dtype=torch.float32)
    return model


rng = np.random.RandomState(6)
x = torch.tensor(rng.randn(16, 4), dtype=torch.float32)
y = torch.tensor(rng.randint(0, 3, 16))


def train(model, optimizer, steps):
    for _ in range(steps):
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
    return loss.item()


model = seeded_model()
optimizer = optim.Adam(model.parameters(), lr=0.01)
print("Model's state_dict:")
for param_tensor in model.state_dict():
    print(param_tensor, "\t", model.state_dict()[param_tensor].size())
train(model, optimizer, 5)
print("Optimizer's state_dict keys:", sorted(optimizer.state_dict().keys()))
print("param_groups lr:", optimizer.state_dict()["param_groups"][0]["lr"])

torch.save(model.state_dict(), "model.pth")
restored = TheModelClass()
result = restored.load_state_dict(torch.load("model.pth", weights_only=True))
restored.eval()
print("same predictions after loading:", torch.allclose(restored(x), model(x)))

torch.save(
    {
        "epoch": 5,
        "model_state_dict": model.state_dict(),
        "optimizer_state_dict": optimizer.state_dict(),
        "loss": 0.5,
    },
    "checkpoint.tar",
)
continued = train(model, optimizer, 5)

model2 = TheModelClass()
optimizer2 = optim.Adam(model2.parameters(), lr=0.01)
checkpoint = torch.load("checkpoint.tar", weights_only=True)
model2.load_state_dict(checkpoint["model_state_dict"])
optimizer2.load_state_dict(checkpoint["optimizer_state_dict"])
epoch = checkpoint["epoch"]
print("resumed at epoch", epoch, "saved loss", checkpoint["loss"])
model2.train()
resumed = train(model2, optimizer2, 5)
print(f"continued {continued:.5f} resumed {resumed:.5f}")
print("resuming equals continuing:", torch.allclose(model2.fc1.weight, model.fc1.weight))

sd = model.state_dict()
sd["fc2.bias"] += 1.0
print(
    "state_dict shares memory:",
    torch.equal(model.fc2.bias, sd["fc2.bias"]),
    model.fc2.bias.requires_grad,
)
missing = nn.Linear(4, 8).load_state_dict({"weight": torch.zeros(8, 4)}, strict=False)
print("missing keys:", missing.missing_keys, "unexpected:", missing.unexpected_keys)
try:
    nn.Linear(4, 8).load_state_dict({"weight": torch.zeros(8, 4)})
except RuntimeError:
    print("strict loading refuses a missing key")
