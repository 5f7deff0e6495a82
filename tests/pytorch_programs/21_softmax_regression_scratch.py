"""Softmax regression from scratch on the digits (textbook style), then second derivatives."""

import numpy as np
import torch
from sklearn.datasets import load_digits

digits = load_digits()
X = torch.tensor(digits.data[:1000] / 16.0, dtype=torch.float32)
y = torch.tensor(digits.target[:1000])
num_inputs, num_outputs = 64, 10

rng = np.random.RandomState(4)
W = torch.tensor(
    rng.normal(0, 0.01, size=(num_inputs, num_outputs)), dtype=torch.float32, requires_grad=True
)
b = torch.zeros(num_outputs, requires_grad=True)


def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition


X_prob = softmax(torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]))
print(X_prob, X_prob.sum(1))


def net(X):
    return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)


def cross_entropy(y_hat, y):
    return -torch.log(y_hat[range(len(y_hat)), y])


def accuracy(y_hat, y):
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
print(y_hat[[0, 1], torch.tensor([0, 2])], cross_entropy(y_hat, torch.tensor([0, 2])))
print(accuracy(y_hat, torch.tensor([0, 2])) / 2)

lr = 0.5
for epoch in range(5):
    for i in range(0, 1000, 100):
        Xb, yb = X[i : i + 100], y[i : i + 100]
        l = cross_entropy(net(Xb), yb)
        l.mean().backward()
        with torch.no_grad():
            for param in (W, b):
                param -= lr * param.grad
                param.grad.zero_()
    with torch.no_grad():
        train_loss = cross_entropy(net(X), y).mean()
        print(
            f"epoch {epoch + 1}: loss {train_loss:.4f} accuracy {accuracy(net(X), y) / len(y):.4f}"
        )

x = torch.tensor([1.0, 2.0], requires_grad=True)
f = (x[0] ** 2) * x[1] + torch.sin(x[1])
(g,) = torch.autograd.grad(f, x, create_graph=True)
hessian = torch.stack([torch.autograd.grad(g[i], x, retain_graph=True)[0] for i in range(2)])
print("gradient", g.detach(), "hessian", hessian)
v = torch.tensor([1.0, -1.0])
(hvp,) = torch.autograd.grad(g @ v, x)
print("Hessian-vector product", hvp)
