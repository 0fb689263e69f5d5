"""Tokenisers: word regex, PTB whitespace, characters, and tokenizer_for per dataset."""

from rnnvis.modelling.config import parse_config
from rnnvis.data import tokenizer_for
from rnnvis.data.tokenize import char_tokenize, ptb_tokenize, word_tokenize


def data_cfg(**data):
    return parse_config({"name": "t", "task": "language_model", "data": data,
                         "model": {"cell": "lstm", "layers": [8], "embedding_size": 4}}).data


def test_word_tokenizer_keeps_contractions_numbers_and_splits_punctuation():
    assert word_tokenize("'Tis now struck twelve; get thee to bed, Francisco.") == \
        ["'tis", "now", "struck", "twelve", ";", "get", "thee", "to", "bed", ",", "francisco", "."]
    assert word_tokenize("I don't know... it's 1,000 or 3.5 -- the 1990s' 21st") == \
        ["i", "don't", "know", "...", "it's", "1,000", "or", "3.5", "--", "the", "1990s", "'", "21st"]
    assert word_tokenize("A co-writer/director's 30-day \"film\"!") == \
        ["a", "co-writer", "/", "director's", "30-day", '"', "film", '"', "!"]
    assert word_tokenize("i' the name of th' other o'er 'em, 'Arm!'") == \
        ["i'", "the", "name", "of", "th'", "other", "o'er", "'em", ",", "'", "arm", "!", "'"]


def test_word_tokenizer_cleans_html_breaks_quotes_and_keeps_markers():
    assert word_tokenize("Great.<br /><br />Really \u2019good\u2019") == \
        ["great", ".", "really", "'", "good", "'"]
    assert word_tokenize("it\u2019s a <unk> <eos>") == ["it's", "a", "<unk>", "<eos>"]
    assert word_tokenize("Keep Case", lowercase=False) == ["Keep", "Case"]
    text = "Some words, and: punctuation!? Yes."
    assert "".join(word_tokenize(text, lowercase=False)) == "".join(text.split())


def test_ptb_tokenizer_is_a_whitespace_split_that_keeps_ptb_markers():
    assert ptb_tokenize(" pierre <unk> N years old ") == ["pierre", "<unk>", "N", "years", "old"]
    assert ptb_tokenize("The price rose 3.5 % to 1,000") == ["the", "price", "rose", "N", "%", "to", "N"]
    assert ptb_tokenize("The Fed", lowercase=False) == ["The", "Fed"]


def test_char_tokenizer_collapses_whitespace():
    assert char_tokenize("  Hi \t there\n") == list("hi there")
    assert char_tokenize("Hi", lowercase=False) == ["H", "i"]


def test_tokenizer_for_picks_per_dataset():
    assert tokenizer_for(data_cfg(dataset="ptb"))("the N <unk> Fed") == ["the", "N", "<unk>", "fed"]
    assert tokenizer_for(data_cfg(dataset="shakespeare"))("Don't, Sir") == ["don't", ",", "sir"]
    assert tokenizer_for(data_cfg(dataset="shakespeare", lowercase=False))("Sir") == ["Sir"]
    assert tokenizer_for(data_cfg(dataset="shakespeare", level="char"))("Ay, Sir") == list("ay, sir")
    # synthetic tasks keep case even with lowercase: true
    tok = tokenizer_for(data_cfg(dataset="state_memory", lowercase=True))
    assert tok("AxxYa") == ["A", "x", "x", "Y", "a"]
