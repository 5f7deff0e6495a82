"""Logistic regression on two Gaussian blobs: BCEWithLogitsLoss, and sigmoid + BCELoss."""

# ruff: noqa: UP008  (the tutorials' own idioms, kept on purpose)

import numpy as np
import torch
import torch.nn as nn

rng = np.random.RandomState(2)
n = 100
points = np.concatenate([rng.normal(-1.0, 1.0, (n, 2)), rng.normal(1.5, 1.0, (n, 2))]).astype(
    np.float32
)
classes = np.concatenate([np.zeros(n), np.ones(n)]).astype(np.float32)
X = torch.tensor(points)
y = torch.tensor(classes).unsqueeze(1)
print(X.shape, y.shape, y.mean().item())


class LogisticRegression(nn.Module):
    def __init__(self, n_inputs):
        super(LogisticRegression, self).__init__()
        self.linear = nn.Linear(n_inputs, 1)

    def forward(self, x):
        return self.linear(x)


model = LogisticRegression(2)
with torch.no_grad():
    model.linear.weight.copy_(torch.tensor([[0.2, -0.1]]))
    model.linear.bias.zero_()
criterion = nn.BCEWithLogitsLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.5)

for epoch in range(60):
    optimizer.zero_grad()
    logits = model(X)
    loss = criterion(logits, y)
    loss.backward()
    optimizer.step()
    if (epoch + 1) % 15 == 0:
        predicted = (torch.sigmoid(logits) > 0.5).float()
        acc = (predicted == y).sum().item() / y.size(0)
        print(f"Epoch [{epoch + 1}/60], Loss: {loss.item():.4f}, Accuracy: {acc:.3f}")

print(
    "weights",
    model.linear.weight.data.numpy().round(3).tolist(),
    "bias",
    round(model.linear.bias.item(), 3),
)

probs = torch.sigmoid(model(X))
bce = nn.BCELoss()(probs, y)
print("BCELoss on probabilities", round(bce.item(), 4))
print("functional", round(nn.functional.binary_cross_entropy(probs, y).item(), 4))
weights = torch.where(y > 0, 2.0, 1.0)
print("weighted", round(nn.BCEWithLogitsLoss(weight=weights)(model(X), y).item(), 4))
print(
    "pos_weight", round(nn.BCEWithLogitsLoss(pos_weight=torch.tensor([3.0]))(model(X), y).item(), 4)
)
print("per sample", nn.BCEWithLogitsLoss(reduction="none")(model(X[:3]), y[:3]).shape)
