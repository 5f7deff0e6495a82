"""Digits with what depends on the random stream: default initialisation, shuffling, Adam.

Random streams differ between frameworks, so this prints only what does not depend on them:
shapes, batch counts, and whether training reached a band of accuracy and lowered the loss.
"""

# ruff: noqa: B007  (the tutorials' own idioms, kept on purpose)

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
digits = load_digits()
X = torch.tensor(digits.data, dtype=torch.float32) / 16
y = torch.tensor(digits.target)
dataset = TensorDataset(X, y)
train_set, test_set = torch.utils.data.random_split(dataset, [1500, 297])
print(len(train_set), len(test_set))
train_loader = DataLoader(train_set, batch_size=32, shuffle=True)
test_loader = DataLoader(test_set, batch_size=100, shuffle=False)
print("batches", len(train_loader), len(test_loader))

model = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 10))
optimizer = optim.Adam(model.parameters(), lr=1e-2)
first_loss = None
for epoch in range(4):
    model.train()
    running_loss = 0.0
    for inputs, targets in train_loader:
        optimizer.zero_grad()
        loss = F.cross_entropy(model(inputs), targets)
        loss.backward()
        optimizer.step()
        running_loss += loss.item() * inputs.size(0)
    epoch_loss = running_loss / len(train_loader.dataset)
    first_loss = epoch_loss if first_loss is None else first_loss
print("loss decreased:", epoch_loss < first_loss, "final loss below 0.3:", epoch_loss < 0.3)

model.eval()
correct = 0
with torch.no_grad():
    for inputs, targets in test_loader:
        _, predicted = model(inputs).max(1)
        correct += predicted.eq(targets).sum().item()
accuracy = correct / len(test_set)
print("test accuracy at least 0.85:", accuracy >= 0.85)

seen = torch.cat([targets for _, targets in train_loader])
print(
    "one epoch sees every sample once:",
    seen.shape[0],
    seen.sort().values.equal(torch.sort(torch.stack([y for _, y in train_set])).values),
)
