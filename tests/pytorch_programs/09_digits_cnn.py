"""A small CNN on the 8x8 digits: Conv2d, ReLU, MaxPool2d, Flatten, Dropout, in a custom Module.

The forward pass from NumPy-seeded weights is compared exactly; training (with dropout, whose
masks come from the random stream) is compared by the accuracy it reaches.
"""

# ruff: noqa: B007, UP008  (the tutorials' own idioms, kept on purpose)

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from sklearn.datasets import load_digits
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
digits = load_digits()
images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
labels = torch.tensor(digits.target, dtype=torch.long)
print(images.shape, labels.shape)


class Net(nn.Module):
    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 8, kernel_size=3, padding=1)
        self.conv2 = nn.Conv2d(8, 16, 3, 1, padding="same")
        self.pool = nn.MaxPool2d(2, 2)
        self.dropout = nn.Dropout(0.25)
        self.fc1 = nn.Linear(16 * 2 * 2, 32)
        self.fc2 = nn.Linear(32, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = self.dropout(F.relu(self.fc1(x)))
        return self.fc2(x)


net = Net()
print(net)
print([tuple(p.shape) for p in net.parameters()])
x = images[:4]
print(net.conv1(x).shape, net.pool(net.conv1(x)).shape, F.max_pool2d(net.conv1(x), 2).shape)
print(nn.Conv2d(1, 4, kernel_size=3, stride=2)(x).shape, nn.AvgPool2d(2)(x).shape)

rng = np.random.RandomState(0)
state = {
    k: torch.tensor(rng.uniform(-0.3, 0.3, v.shape).astype(np.float32))
    for k, v in net.state_dict().items()
}
net.load_state_dict(state)
net.eval()
with torch.no_grad():
    logits = net(images[:5])
print("logits", logits.shape, [round(v, 4) for v in logits.sum(1).tolist()])
print("predicted", logits.argmax(1).tolist())

drop = nn.Dropout(p=0.5)
ones = torch.ones(1000)
kept = drop(ones)
print(
    "dropout keeps the rest scaled:",
    set(kept.unique().tolist()) <= {0.0, 2.0},
    "eval identity:",
    torch.equal(drop.eval()(ones), ones),
)
print("F.dropout off:", torch.equal(F.dropout(ones, p=0.3, training=False), ones))

net.train()
loader = DataLoader(TensorDataset(images[:1500], labels[:1500]), batch_size=50, shuffle=True)
optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
criterion = nn.CrossEntropyLoss()
for epoch in range(3):
    for inputs, targets in loader:
        optimizer.zero_grad()
        loss = criterion(net(inputs), targets)
        loss.backward()
        optimizer.step()
net.eval()
with torch.no_grad():
    accuracy = (net(images[1500:]).argmax(dim=1) == labels[1500:]).float().mean().item()
print("test accuracy above 0.7:", accuracy > 0.7)
