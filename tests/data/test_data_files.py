"""The user's own text and CSV/TSV files, and the error messages for them."""

import numpy as np
import pytest

from rnnvis.modelling.config import parse_config
from rnnvis.data import DatasetError, load_dataset


def make_cfg(task, source=None, **data):
    return parse_config({"name": "t", "task": task, "data": data,
                         "model": {"cell": "lstm", "layers": [8], "embedding_size": 4}}, source)


def write_lines(path, n, prefix="line"):
    path.write_text("".join(f"{prefix} {i} says hello\n\n" if i % 3 == 0 else f"{prefix} {i}\n"
                            for i in range(n)), encoding="utf-8")
    return path


def decoded_lines(corpus, split):
    return [" ".join(corpus.vocab.decode(corpus.document(split, i))[:-1])
            for i in range(len(corpus.doc_offsets[split]))]


# ------------------------------------------------------------------ text


def test_text_file_is_cut_into_contiguous_blocks_relative_to_the_config(tmp_path):
    write_lines(tmp_path / "corpus.txt", 20)
    cfg = make_cfg("language_model", source=tmp_path / "model.yaml", dataset="text",
                   path="corpus.txt", split={"train": 0.6, "valid": 0.2, "test": 0.2})
    corpus = load_dataset(cfg)
    lines = [line for line in (tmp_path / "corpus.txt").read_text().split("\n") if line]
    assert decoded_lines(corpus, "train") == lines[:12]
    assert decoded_lines(corpus, "valid")[0].split()[1] == "<unk>"  # the number 12 is unseen
    assert len(corpus.doc_offsets["valid"]) == 4 and len(corpus.doc_offsets["test"]) == 4
    assert corpus.oov["valid"] == 4 and corpus.oov["test"] == 4
    assert corpus.vocab.id("<eos>") == 2


def test_text_paths_per_split_and_carving_missing_splits(tmp_path):
    write_lines(tmp_path / "train.txt", 10, "tr")
    write_lines(tmp_path / "valid.txt", 3, "va")
    cfg = make_cfg("language_model", dataset="text", max_documents=50,
                   paths={"train": str(tmp_path / "train.txt"), "valid": str(tmp_path / "valid.txt")},
                   split={"train": 0.6, "valid": 0.2, "test": 0.2})
    corpus = load_dataset(cfg)
    assert [line.split()[0] for line in decoded_lines(corpus, "valid")] == ["<unk>"] * 3
    # test carved from the end of train: fractions 0.6 : 0.2 of 10 lines -> 8 + 2 (rounded)
    assert len(corpus.doc_offsets["train"]) + len(corpus.doc_offsets["test"]) == 10
    assert len(corpus.doc_offsets["test"]) == round(10 * 0.2 / 0.8)
    assert decoded_lines(corpus, "train")[0] == "tr 0 says hello"


def test_text_errors(tmp_path):
    cfg = make_cfg("language_model", source=tmp_path / "m.yaml", dataset="text", path="missing.txt")
    with pytest.raises(DatasetError, match=r"missing\.txt: no such file \(data\.path\)"):
        load_dataset(cfg)
    (tmp_path / "two.txt").write_text("one line\n\n   \nanother\n")
    cfg = make_cfg("language_model", dataset="text", path=str(tmp_path / "two.txt"))
    with pytest.raises(DatasetError, match=r"two\.txt \(data\.path\): only 2 item"):
        load_dataset(cfg)
    (tmp_path / "bin.txt").write_bytes(b"\xff\xfe\x00bad")
    cfg = make_cfg("language_model", dataset="text", path=str(tmp_path / "bin.txt"))
    with pytest.raises(DatasetError, match=r"bin\.txt: not UTF-8"):
        load_dataset(cfg)
    (tmp_path / "punct.txt").write_text("words here\n...\nmore words\n")
    cfg = make_cfg("language_model", dataset="text", path=str(tmp_path / "punct.txt"), level="word")
    corpus = load_dataset(cfg)  # '...' is a token, so no split is empty
    assert len(corpus.doc_offsets["valid"]) == 1


# ------------------------------------------------------------------ csv

ROWS = [(f"Review number {i}, which is {'great' if i % 2 else 'awful'}.", "pos" if i % 2 else "neg")
        for i in range(40)]


def write_csv(path, rows, delimiter=",", header=("text", "label")):
    import csv
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(header)
        w.writerows(rows)
    return path


def test_csv_split_is_stratified_and_labels_follow_texts(tmp_path):
    write_csv(tmp_path / "r.csv", ROWS)
    corpus = load_dataset(make_cfg("classification", dataset="csv", path=str(tmp_path / "r.csv"),
                                   seed=3))
    assert corpus.classes == ("neg", "pos")
    total = 0
    for split, (docs, labels) in corpus.splits.items():
        assert np.bincount(labels, minlength=2).tolist() == {"train": [16, 16], "valid": [2, 2],
                                                             "test": [2, 2]}[split]
        for d, y in zip(docs, labels):
            words = corpus.vocab.decode(d)
            assert words[-2] == ("great" if y == 1 else "awful")
        total += len(docs)
    assert total == len(ROWS)


def test_tsv_sniffed_delimiters_quotes_and_numeric_labels(tmp_path):
    rows = [(f"text\twith tab; and \"quotes\"\nand a newline {i}", str(i % 3 * 5)) for i in range(30)]
    for name, delim in (("a.tsv", "\t"), ("b.txt", ";"), ("c.csv", "|")):
        path = write_csv(tmp_path / name, rows, delimiter=delim, header=("body", "stars"))
        corpus = load_dataset(make_cfg("classification", dataset="csv", path=str(path),
                                       text_column="body", label_column="stars", max_length=4))
        assert corpus.classes == ("0", "5", "10")  # numeric order, not "0", "10", "5"
        docs, labels = corpus.splits["train"]
        assert all(len(d) == 4 for d in docs)
        assert corpus.vocab.decode(docs[0]) == ["text", "with", "tab", ";"]
        assert sum(len(corpus.splits[s][0]) for s in corpus.splits) == 30


def test_csv_paths_with_bom_and_max_documents(tmp_path):
    train = write_csv(tmp_path / "train.csv", ROWS)
    train.write_bytes(b"\xef\xbb\xbf" + train.read_bytes())
    write_csv(tmp_path / "test.csv", [("Unseen words here", "pos"), ("more", "neg")])
    cfg = make_cfg("classification", dataset="csv", source=tmp_path / "m.yaml", max_documents=5,
                   paths={"train": "train.csv", "test": "test.csv"})
    corpus = load_dataset(cfg)
    assert len(corpus.splits["train"][0]) == 5
    assert len(corpus.splits["test"][0]) == 2
    train_words = {w for d in corpus.splits["train"][0] for w in corpus.vocab.decode(d)}
    assert "words" not in train_words and "more" not in train_words
    assert corpus.oov["test"] == 4  # unseen, words, here, more: no train row uses them
    assert corpus.splits["test"][1].tolist() == [1, 0]


def test_csv_errors(tmp_path):
    path = write_csv(tmp_path / "r.csv", ROWS, header=("review", "label"))
    cfg = make_cfg("classification", dataset="csv", path=str(path))
    with pytest.raises(DatasetError, match=r"r\.csv: no column 'text' \(data\.text_column\); "
                                           r"available columns: 'review', 'label'"):
        load_dataset(cfg)
    cfg = make_cfg("classification", dataset="csv", path=str(path), text_column="review",
                   label_column="stars")
    with pytest.raises(DatasetError, match=r"no column 'stars' \(data\.label_column\)"):
        load_dataset(cfg)
    write_csv(path, ROWS[:5] + [("no label", "")], header=("text", "label"))
    cfg = make_cfg("classification", dataset="csv", path=str(path))
    with pytest.raises(DatasetError, match=r"r\.csv: line 7: empty label in column 'label'"):
        load_dataset(cfg)
    cfg = make_cfg("classification", dataset="csv", source=tmp_path / "m.yaml", path="none.csv")
    with pytest.raises(DatasetError, match=r"none\.csv: no such file"):
        load_dataset(cfg)
    write_csv(path, ROWS)
    blank = write_csv(tmp_path / "blank.csv", [(" ", "pos"), ("", "neg"), ("<br />", "neg")])
    with pytest.raises(DatasetError, match=r"csv: split 'valid' \(from .*blank\.csv\) has no non-empty"):
        load_dataset(make_cfg("classification", dataset="csv",
                              paths={"train": str(path), "valid": str(blank)}))
