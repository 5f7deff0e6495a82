"""Loss functions as modules and functions, with reductions, class weights and ignore_index."""

import torch
import torch.nn as nn
import torch.nn.functional as F

pred = torch.tensor([[0.5, -1.0], [2.0, 0.3], [-0.7, 1.2]], requires_grad=True)
target = torch.tensor([[0.0, -1.5], [1.0, 1.0], [-3.0, 1.0]])
for loss_fn in [
    nn.MSELoss(),
    nn.L1Loss(),
    nn.SmoothL1Loss(),
    nn.SmoothL1Loss(beta=0.5),
    nn.HuberLoss(delta=0.8),
]:
    loss = loss_fn(pred, target)
    loss.backward()
    print(
        loss_fn.__class__.__name__,
        round(loss.item(), 5),
        [round(v, 4) for v in pred.grad.flatten().tolist()],
    )
    pred.grad = None
print(
    "sum",
    round(F.mse_loss(pred, target, reduction="sum").item(), 4),
    F.l1_loss(pred, target, reduction="none").shape,
)

logits = torch.tensor(
    [[2.0, 0.5, -1.0], [0.1, 0.2, 0.3], [-1.0, 3.0, 0.0], [1.0, 1.0, 1.0]], requires_grad=True
)
labels = torch.tensor([0, 2, 1, 1])
ce = nn.CrossEntropyLoss()
loss = ce(logits, labels)
loss.backward()
print("cross entropy", round(loss.item(), 5))
print(logits.grad)
print("nll of log_softmax", round(F.nll_loss(F.log_softmax(logits, dim=1), labels).item(), 5))
print("NLLLoss", round(nn.NLLLoss()(torch.log_softmax(logits, 1), labels).item(), 5))
print(
    "weighted",
    round(F.cross_entropy(logits, labels, weight=torch.tensor([1.0, 2.0, 0.5])).item(), 5),
)
print("ignore_index", round(F.cross_entropy(logits, torch.tensor([0, -100, 1, 1])).item(), 5))
print("label smoothing", round(F.cross_entropy(logits, labels, label_smoothing=0.1).item(), 5))
print("none", F.cross_entropy(logits, labels, reduction="none").detach())
probs = torch.tensor([[0.7, 0.2, 0.1], [0.2, 0.2, 0.6]])
print("soft targets", round(F.cross_entropy(logits[:2], probs).item(), 5))
seq_logits = torch.arange(24, dtype=torch.float32).reshape(2, 3, 4) / 10
print(
    "K-dim targets",
    round(F.cross_entropy(seq_logits, torch.tensor([[0, 1, 2, 0], [2, 2, 1, 0]])).item(), 5),
)

print(F.one_hot(torch.tensor([0, 2, 1]), num_classes=4))
print(F.one_hot(torch.tensor([3, 1])).shape, F.one_hot(torch.tensor([1])).dtype)

p = torch.tensor([0.9, 0.2, 0.6])
t = torch.tensor([1.0, 0.0, 1.0])
print(
    "bce",
    round(F.binary_cross_entropy(p, t).item(), 5),
    round(nn.BCELoss(reduction="sum")(p, t).item(), 5),
)
z = torch.tensor([2.0, -1.0, 0.5])
print("bce with logits", round(F.binary_cross_entropy_with_logits(z, t).item(), 5))
print("kl", round(F.kl_div(F.log_softmax(logits[:2], 1), probs, reduction="batchmean").item(), 5))
print("softmax", F.softmax(torch.tensor([1.0, 2.0, 3.0]), dim=0))
print("log_softmax", F.log_softmax(torch.tensor([[1000.0, 0.0]]), dim=1))
