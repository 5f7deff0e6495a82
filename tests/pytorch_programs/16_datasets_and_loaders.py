"""Custom Dataset classes, random_split, Subset, and DataLoader's batching and collation."""

import torch
from torch.utils.data import DataLoader, Dataset, Subset, TensorDataset, random_split


class SquaresDataset(Dataset):
    def __init__(self, n):
        self.x = torch.arange(n, dtype=torch.float32)

    def __len__(self):
        return len(self.x)

    def __getitem__(self, idx):
        return self.x[idx], self.x[idx] ** 2


class RecordDataset(Dataset):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, idx):
        return {"feature": torch.tensor([idx, -idx], dtype=torch.float32), "label": idx % 3}


ds = SquaresDataset(10)
print(len(ds), ds[3])
loader = DataLoader(ds, batch_size=4)
print("batches:", len(loader))
for xb, yb in loader:
    print(xb.tolist(), yb.tolist(), xb.dtype)
print("drop_last:", [len(xb) for xb, _ in DataLoader(ds, batch_size=4, drop_last=True)])

records = DataLoader(RecordDataset(5), batch_size=2)
for batch in records:
    print(sorted(batch.keys()), batch["feature"].shape, batch["label"], batch["label"].dtype)

tds = TensorDataset(torch.arange(6).reshape(3, 2), torch.tensor([0.5, 1.5, 2.5]))
print(tds[1], len(tds.tensors))
first = next(iter(DataLoader(tds, batch_size=3)))
print(len(first), first[0], first[1])  # a list in PyTorch, a tuple per API.md §7

generator = torch.Generator().manual_seed(42)
train_ds, val_ds, test_ds = random_split(SquaresDataset(100), [70, 20, 10], generator=generator)
print(len(train_ds), len(val_ds), len(test_ds), type(train_ds).__name__)
all_x = sorted(float(train_ds[i][0]) for i in range(len(train_ds))) + sorted(
    float(v[0]) for v in val_ds
)
all_x += sorted(float(v[0]) for v in test_ds)
print("the split is a partition:", sorted(all_x) == [float(i) for i in range(100)])
halves = random_split(range(10), [0.5, 0.5])
print("fractions:", [len(h) for h in halves])

sub = Subset(ds, [1, 3, 5])
print(len(sub), [sub[i][1].item() for i in range(len(sub))], sub.indices)

torch.manual_seed(0)
shuffled = DataLoader(ds, batch_size=5, shuffle=True)
epoch1 = torch.cat([xb for xb, _ in shuffled])
epoch2 = torch.cat([xb for xb, _ in shuffled])
print(
    "each epoch is a permutation:",
    sorted(epoch1.tolist()) == list(range(10)),
    sorted(epoch2.tolist()) == list(range(10)),
)
print("a new order each epoch:", not torch.equal(epoch1, epoch2))
g1 = torch.Generator().manual_seed(7)
g2 = torch.Generator().manual_seed(7)
order1 = [xb.tolist() for xb, _ in DataLoader(ds, batch_size=5, shuffle=True, generator=g1)]
order2 = [xb.tolist() for xb, _ in DataLoader(ds, batch_size=5, shuffle=True, generator=g2)]
print("same generator seed, same order:", order1 == order2)

pairs = DataLoader(
    list(zip(range(4), "abcd")), batch_size=2, collate_fn=lambda batch: [b[1] for b in batch]
)
print(list(pairs))
print(next(iter(DataLoader(ds, batch_size=3, num_workers=0)))[1])
