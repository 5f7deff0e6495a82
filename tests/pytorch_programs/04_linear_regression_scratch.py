"""Linear regression from scratch, textbook style: synthetic data, minibatches, SGD by hand.

The data and the minibatch order come from a seeded NumPy generator, so both frameworks see the
same numbers; the weights start at fixed values.
"""

import numpy as np
import torch

rng = np.random.RandomState(0)
true_w = torch.tensor([2, -3.4])
true_b = 4.2
features = torch.tensor(rng.normal(0, 1, (1000, 2)), dtype=torch.float32)
noise = torch.from_numpy(rng.normal(0, 0.01, (1000,)).astype(np.float32))
labels = (torch.matmul(features, true_w) + true_b + noise).reshape((-1, 1))
print("features:", features.shape, "labels:", labels.shape, labels.dtype)


def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    rng.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = torch.tensor(indices[i : min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


def linreg(X, w, b):
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


w = torch.zeros((2, 1), requires_grad=True)
b = torch.zeros(1, requires_grad=True)
lr, num_epochs, batch_size = 0.03, 3, 10
for epoch in range(num_epochs):
    for X, y in data_iter(batch_size, features, labels):
        l = squared_loss(linreg(X, w, b), y)
        l.sum().backward()
        sgd([w, b], lr, batch_size)
    with torch.no_grad():
        train_l = squared_loss(linreg(features, w, b), labels)
        print(f"epoch {epoch + 1}, loss {float(train_l.mean()):f}")

print(f"error in estimating w: {true_w - w.reshape(true_w.shape)}")
print(f"error in estimating b: {true_b - b}")
print("w", [round(v, 3) for v in w.detach().flatten().tolist()], "b", round(b.item(), 3))
