#!/usr/bin/env python3
"""Builds the classification and tagging fixtures in Tests/Fixtures/glue/ and Tests/Fixtures/ner/.

1. GLUE: small synthetic files in the exact layouts of the GLUE distribution (CoLA without a header
   in train/dev, MRPC with a UTF-8 byte-order mark, SST-2/QQP/MNLI texts with unbalanced `"`, a
   malformed QQP row, MNLI's 16-column dev files, a file with CRLF line ends), and `expected.json`:
   the examples as the reference readers take them: Python's `csv.reader(delimiter="\t",
   quotechar=None)` over the file opened as `utf-8-sig` (Hugging Face's `_read_tsv`) and the column
   positions of google-research/electra `classification_tasks.py` (negative indices included).
2. Metrics: random and edge-case label vectors with scikit-learn's accuracy_score, f1_score and
   matthews_corrcoef, and score vectors with SciPy's pearsonr and spearmanr (NaN stored as null).
3. NER: a CoNLL-2003-style file with -DOCSTART- lines, and random and edge-case tag sequences with
   seqeval's scores (default mode, and strict mode with IOB1, IOB2, IOBES) and a conlleval oracle
   written here from the perl script's rules (`startOfChunk`, `endOfChunk`, the streaming count of
   correct chunks), cross-checked against the `conlleval` PyPI package where the two agree (no `S`
   tags: that package adds seqeval's `S` and `E` rules, the perl script has neither).

Needs a throwaway venv (nothing here is imported by the Swift build):

    python3 -m venv /tmp/venv-cls && /tmp/venv-cls/bin/pip install scikit-learn scipy seqeval conlleval
    /tmp/venv-cls/bin/python scripts/make_classification_fixtures.py

Everything is seeded; rerunning gives the same files.
"""

import csv
import json
import math
import os
import random
import re
import sys

import numpy
import scipy
import scipy.stats
import seqeval
import sklearn
import sklearn.metrics
from seqeval.metrics import classification_report as seqeval_report
from seqeval.scheme import IOB1, IOB2, IOBES

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GLUE = os.path.join(ROOT, "Tests", "Fixtures", "glue")
NER = os.path.join(ROOT, "Tests", "Fixtures", "ner")
METRICS = os.path.join(ROOT, "Tests", "Fixtures", "classification")

WORDS = ("the cat sat on a mat while dogs ran past quietly and the film 's charm was lost "
         "in translation though critics praised its bold \" score every night").split()


def sentence(rng, lo=3, hi=9):
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(lo, hi)))


def write(path, rows, bom=False, newline="\n"):
    """Writes rows (lists of fields, or raw strings) joined by tabs."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    text = "".join((r if isinstance(r, str) else "\t".join(r)) + newline for r in rows)
    with open(path, "wb") as f:
        f.write((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))


# ---- GLUE files ---------------------------------------------------------------------------------

def glue_files(rng):
    files = {}  # (task folder, file name) -> rows
    # CoLA: train/dev source, label, star, sentence without header; test index, sentence with header.
    files[("CoLA", "train.tsv")] = [["gj04", str(rng.randint(0, 1)), "*" if i % 3 == 0 else "", sentence(rng)] for i in range(8)]
    files[("CoLA", "dev.tsv")] = [["gj04", str(i % 2), "", sentence(rng)] for i in range(6)]
    files[("CoLA", "test.tsv")] = [["index", "sentence"]] + [[str(i), sentence(rng)] for i in range(5)]
    # SST-2: sentence, label; texts with unbalanced quotes (no quote character in GLUE's readers).
    sst = [["sentence", "label"], ['the film \'s " charm is lost ', "0"], ['" a bold score', "1"],
           ['praised its "bold" score "', "1"]]
    files[("SST-2", "train.tsv")] = sst + [[sentence(rng) + " ", str(i % 2)] for i in range(5)]
    files[("SST-2", "dev.tsv")] = [["sentence", "label"], ['it is " quietly great', "1"]] + [[sentence(rng), str(i % 2)] for i in range(5)]
    files[("SST-2", "test.tsv")] = [["index", "sentence"]] + [[str(i), sentence(rng)] for i in range(4)]
    # MRPC: Quality, #1 ID, #2 ID, #1 String, #2 String; the train file with a byte-order mark.
    mrpc_header = ["Quality", "#1 ID", "#2 ID", "#1 String", "#2 String"]
    files[("MRPC", "train.tsv")] = [mrpc_header] + [[str(rng.randint(0, 1)), str(1000 + i), str(2000 + i), sentence(rng), sentence(rng)] for i in range(7)]
    files[("MRPC", "dev.tsv")] = [mrpc_header] + [[str(i % 2), str(3000 + i), str(4000 + i), sentence(rng), sentence(rng)] for i in range(6)]
    files[("MRPC", "test.tsv")] = [["index", "#1 ID", "#2 ID", "#1 String", "#2 String"]] + [[str(i), "1", "2", sentence(rng), sentence(rng)] for i in range(4)]
    # STS-B: index genre filename year old_index source1 source2 sentence1 sentence2 score.
    sts_header = ["index", "genre", "filename", "year", "old_index", "source1", "source2", "sentence1", "sentence2", "score"]
    def sts_row(i, labelled=True):
        row = [str(i), "main-captions", "MSRvid", "2012test", f"{i:04d}", "none", "none", sentence(rng), sentence(rng)]
        return row + ([f"{rng.randint(0, 500) / 100:.3f}"] if labelled else [])
    files[("STS-B", "train.tsv")] = [sts_header] + [sts_row(i) for i in range(7)] + [sts_row(7)[:-1] + ["n/a"]]
    files[("STS-B", "dev.tsv")] = [sts_header] + [sts_row(i) for i in range(6)]
    files[("STS-B", "test.tsv")] = [sts_header[:-1]] + [sts_row(i, False) for i in range(4)]
    # QQP: id qid1 qid2 question1 question2 is_duplicate, with a malformed (short) row and quotes.
    qqp_header = ["id", "qid1", "qid2", "question1", "question2", "is_duplicate"]
    qqp = [[str(i), str(2 * i), str(2 * i + 1), sentence(rng) + " ?", sentence(rng) + " ?", str(rng.randint(0, 1))] for i in range(7)]
    qqp.insert(3, ["201841", "303951", 'How do I "hack a "fb account?'])
    qqp.insert(5, ["9", "18", "19", 'what is "love', 'is "it" real ?', "1"])
    files[("QQP", "train.tsv")] = [qqp_header] + qqp
    files[("QQP", "dev.tsv")] = [qqp_header] + [[str(i), "1", "2", sentence(rng), sentence(rng), str(i % 2)] for i in range(6)]
    files[("QQP", "test.tsv")] = [["id", "question1", "question2"]] + [[str(i), sentence(rng), sentence(rng)] for i in range(4)]
    # MNLI: train 12 columns, dev 16 (label1..label5, gold_label), test 10; texts in 8 and 9.
    mnli_labels = ["contradiction", "entailment", "neutral"]
    base = ["index", "promptID", "pairID", "genre", "sentence1_binary_parse", "sentence2_binary_parse",
            "sentence1_parse", "sentence2_parse", "sentence1", "sentence2"]
    def mnli_row(i, labels):
        return [str(i), str(100 + i), f"{100 + i}n", "fiction", "( ( x ) )", "( y )", "(ROOT x)", "(ROOT y)",
                sentence(rng), sentence(rng)] + labels
    files[("MNLI", "train.tsv")] = [base + ["label1", "gold_label"]] + \
        [mnli_row(i, [rng.choice(mnli_labels)] * 2) for i in range(6)] + \
        [mnli_row(6, ["neutral", "neutral"])[:8] + ['he said " no', 'a "quote', "neutral", "neutral"]]
    dev_header = base + ["label1", "label2", "label3", "label4", "label5", "gold_label"]
    files[("MNLI", "dev_matched.tsv")] = [dev_header] + [mnli_row(i, [rng.choice(mnli_labels) for _ in range(5)] + [mnli_labels[i % 3]]) for i in range(6)]
    files[("MNLI", "dev_mismatched.tsv")] = [dev_header] + [mnli_row(i, [mnli_labels[(i + 1) % 3]] * 6) for i in range(5)]
    files[("MNLI", "test_matched.tsv")] = [base] + [mnli_row(i, []) for i in range(4)]
    files[("MNLI", "test_mismatched.tsv")] = [base] + [mnli_row(i, []) for i in range(3)]
    files[("diagnostic", "diagnostic.tsv")] = [["index", "sentence1", "sentence2"]] + [[str(i), sentence(rng), sentence(rng)] for i in range(3)]
    # QNLI (question, sentence), RTE and WNLI (sentence1, sentence2): index, a, b, label.
    for task, header, labels in (("QNLI", ["index", "question", "sentence", "label"], ["entailment", "not_entailment"]),
                                 ("RTE", ["index", "sentence1", "sentence2", "label"], ["entailment", "not_entailment"]),
                                 ("WNLI", ["index", "sentence1", "sentence2", "label"], ["0", "1"])):
        files[(task, "train.tsv")] = [header] + [[str(i), sentence(rng), sentence(rng), rng.choice(labels)] for i in range(6)]
        files[(task, "dev.tsv")] = [header] + [[str(i), sentence(rng), sentence(rng), labels[i % 2]] for i in range(5)]
        files[(task, "test.tsv")] = [header[:-1]] + [[str(i), sentence(rng), sentence(rng)] for i in range(3)]
    return files


def read_tsv(path):
    """Hugging Face's `_read_tsv`: utf-8-sig, csv.reader with a tab and no quote character."""
    with open(path, "r", encoding="utf-8-sig") as f:
        reader = csv.reader(f, delimiter="\t", quotechar=None)
        return [(reader.line_num, row) for row in reader]


# Google's `_load_glue(lines, split, text_a_loc, text_b_loc, label_loc, skip_first_line)` per task.
def google_layout(task, split):
    test = split in ("test", "test_matched", "test_mismatched", "diagnostic")
    return {
        "CoLA": (1, None, None, True) if test else (3, None, 1, False),
        "SST-2": (1, None, None, True) if test else (0, None, 1, True),
        "MRPC": (3, 4, None if test else 0, True),
        "STS-B": (-2, -1, None, True) if test else (-3, -2, -1, True),
        "QQP": (1, 2, None, True) if test else (3, 4, 5, True),
        "MNLI": (1, 2, None, True) if split == "diagnostic" else (8, 9, None if test else -1, True),
        "QNLI": (1, 2, None if test else 3, True),
        "RTE": (1, 2, None if test else 3, True),
        "WNLI": (1, 2, None if test else 3, True),
    }[task]


def reference_examples(task, split, path):
    text_a, text_b, label, header = google_layout(task, split)
    examples, skipped = [], []
    for i, (line, row) in enumerate(read_tsv(path)):
        if i == 0 and header:
            continue
        if not row:
            continue  # a blank line: Google's reader logs an IndexError; ours skips it silently
        try:
            a = row[text_a]
            b = None if text_b is None else row[text_b]
            y = None if label is None else row[label]
            if task == "STS-B" and y is not None:
                y = float(y)
            eid = row[0] if label is None else str(i - (1 if header else 0))
            examples.append([eid, a, b, y, line])
        except (IndexError, ValueError):
            skipped.append(line)
    return {"examples": examples, "skipped_lines": skipped}


def make_glue(rng):
    files = glue_files(rng)
    expected = {}
    for (folder, name), rows in sorted(files.items()):
        path = os.path.join(GLUE, folder, name)
        write(path, rows, bom=(folder, name) == ("MRPC", "train.tsv"),
              newline="\r\n" if (folder, name) == ("RTE", "dev.tsv") else "\n")
        if folder == "diagnostic":
            expected.setdefault("MNLI", {})["diagnostic"] = reference_examples("MNLI", "diagnostic", path)
            continue
        split = name[:-4]
        expected.setdefault(folder, {})[split] = reference_examples(folder, split, path)
    # STS-B scores stay exact: the fixture writes them with 3 decimals and both sides parse the text.
    with open(os.path.join(GLUE, "expected.json"), "w") as f:
        json.dump(expected, f, indent=1, sort_keys=True, ensure_ascii=False)
        f.write("\n")


# ---- classification metrics ---------------------------------------------------------------------

def nan_to_none(x):
    return None if isinstance(x, float) and math.isnan(x) else float(x)


def make_metrics(rng):
    import warnings
    warnings.simplefilter("ignore")
    label_cases = [
        ("all one class, predicted right", [1] * 6, [1] * 6),
        ("all one class, predicted the other", [1] * 5, [0] * 5),
        ("constant prediction", [0, 1, 1, 0, 1], [1] * 5),
        ("no positive anywhere", [0, 0, 0], [0, 0, 0]),
        ("perfect", [0, 1, 0, 1], [0, 1, 0, 1]),
        ("inverse", [0, 1, 0, 1], [1, 0, 1, 0]),
        ("three classes", [0, 1, 2, 2, 1, 0, 2], [0, 2, 2, 1, 1, 0, 0]),
        ("single example", [1], [0]),
    ]
    for k in range(8):
        n = rng.randint(5, 300)
        classes = 2 if k < 5 else 3
        gold = [rng.randrange(classes) for _ in range(n)]
        predicted = [g if rng.random() < 0.7 else rng.randrange(classes) for g in gold]
        label_cases.append((f"random {k} ({classes} classes, {n})", gold, predicted))
    classification = []
    for name, gold, predicted in label_cases:
        classification.append({
            "name": name, "gold": gold, "predicted": predicted,
            "accuracy": sklearn.metrics.accuracy_score(gold, predicted),
            # F1 of class 1 against the rest (GLUE's MRPC and QQP are binary; this also covers 3 classes).
            "f1": float(sklearn.metrics.f1_score([int(g == 1) for g in gold], [int(p == 1) for p in predicted])),
            "mcc": float(sklearn.metrics.matthews_corrcoef(gold, predicted)),
        })
    score_cases = [
        ("ties on both sides", [1, 2, 2, 3, 3, 3, 5], [2.5, 2.5, 1, 4, 4, 0, 5]),
        ("constant prediction", [1.0, 1.0, 1.0, 1.0], [0.5, 2.0, 3.5, 4.0]),
        ("constant gold", [0.1, 0.4, 0.2], [3.0, 3.0, 3.0]),
        ("perfect", [0.0, 1.0, 2.5, 5.0], [0.0, 1.0, 2.5, 5.0]),
        ("anti", [0.0, 1.0, 2.0], [2.0, 1.0, 0.0]),
        ("two points", [0.3, 0.7], [4.0, 1.0]),
    ]
    for k in range(6):
        n = rng.randint(5, 300)
        gold = [round(rng.uniform(0, 5), 2 if k % 2 else 1) for _ in range(n)]
        predicted = [g + rng.gauss(0, 1) for g in gold] if k < 4 else [float(rng.randint(0, 5)) for _ in gold]
        score_cases.append((f"random {k} ({n})", predicted, gold))
    regression = []
    for name, predicted, gold in score_cases:
        regression.append({
            "name": name, "predicted": predicted, "gold": gold,
            "pearson": nan_to_none(scipy.stats.pearsonr(predicted, gold)[0]),
            "spearman": nan_to_none(scipy.stats.spearmanr(predicted, gold)[0]),
            "ranks": [float(r) for r in scipy.stats.rankdata(predicted)],
        })
    os.makedirs(METRICS, exist_ok=True)
    with open(os.path.join(METRICS, "metrics.json"), "w") as f:
        json.dump({"versions": {"scikit-learn": sklearn.__version__, "scipy": scipy.__version__,
                                "numpy": numpy.__version__, "python": sys.version.split()[0]},
                   "classification": classification, "regression": regression}, f, indent=1)
        f.write("\n")


# ---- NER ----------------------------------------------------------------------------------------

def perl_split_tag(tag):
    """conlleval.pl: `/^([^-]*)-(.*)$/` gives prefix and type; no dash: the tag, type ""."""
    m = re.match(r"^([^-]*)-(.*)$", tag)
    return (m.group(1), m.group(2)) if m else (tag, "")


def perl_end_of_chunk(prev_tag, tag, prev_type, type_):
    end = False
    if prev_tag == "B" and tag == "B": end = True
    if prev_tag == "B" and tag == "O": end = True
    if prev_tag == "I" and tag == "B": end = True
    if prev_tag == "I" and tag == "O": end = True
    if prev_tag == "E" and tag == "E": end = True
    if prev_tag == "E" and tag == "I": end = True
    if prev_tag == "E" and tag == "O": end = True
    if prev_tag == "I" and tag == "O": end = True
    if prev_tag != "O" and prev_tag != "." and prev_type != type_: end = True
    if prev_tag == "]": end = True
    if prev_tag == "[": end = True
    return end


def perl_start_of_chunk(prev_tag, tag, prev_type, type_):
    start = False
    if prev_tag == "B" and tag == "B": start = True
    if prev_tag == "I" and tag == "B": start = True
    if prev_tag == "O" and tag == "B": start = True
    if prev_tag == "O" and tag == "I": start = True
    if prev_tag == "E" and tag == "E": start = True
    if prev_tag == "E" and tag == "I": start = True
    if prev_tag == "O" and tag == "E": start = True
    if prev_tag == "O" and tag == "I": start = True
    if tag != "O" and tag != "." and prev_type != type_: start = True
    if tag == "[": start = True
    if tag == "]": start = True
    return start


def conlleval_oracle(gold, predicted):
    """conlleval.pl's main loop over `token gold guessed` lines, a blank line between sentences (read as
    the boundary `-X- O O`)."""
    lines = []
    for g_sent, p_sent in zip(gold, predicted):
        lines += [("w", g, p) for g, p in zip(g_sent, p_sent)]
        lines.append(None)
    in_correct = False
    last_correct, last_correct_type, last_guessed, last_guessed_type = "O", "", "O", ""
    correct_chunk, found_correct, found_guessed = {}, {}, {}
    correct_tags = tokens = 0
    for item in lines:
        boundary = item is None
        g_tag, p_tag = ("O", "O") if boundary else (item[1], item[2])
        guessed, guessed_type = perl_split_tag(p_tag)
        correct, correct_type = perl_split_tag(g_tag)
        if boundary:
            guessed = "O"
        if in_correct:
            end_c = perl_end_of_chunk(last_correct, correct, last_correct_type, correct_type)
            end_g = perl_end_of_chunk(last_guessed, guessed, last_guessed_type, guessed_type)
            if end_c and end_g and last_guessed_type == last_correct_type:
                in_correct = False
                correct_chunk[last_correct_type] = correct_chunk.get(last_correct_type, 0) + 1
            elif end_c != end_g or guessed_type != correct_type:
                in_correct = False
        start_c = perl_start_of_chunk(last_correct, correct, last_correct_type, correct_type)
        start_g = perl_start_of_chunk(last_guessed, guessed, last_guessed_type, guessed_type)
        if start_c and start_g and guessed_type == correct_type:
            in_correct = True
        if start_c:
            found_correct[correct_type] = found_correct.get(correct_type, 0) + 1
        if start_g:
            found_guessed[guessed_type] = found_guessed.get(guessed_type, 0) + 1
        if not boundary:
            if correct == guessed and guessed_type == correct_type:
                correct_tags += 1
            tokens += 1
        last_guessed, last_correct, last_guessed_type, last_correct_type = guessed, correct, guessed_type, correct_type
    if in_correct:
        correct_chunk[last_correct_type] = correct_chunk.get(last_correct_type, 0) + 1
    types = sorted(set(found_correct) | set(found_guessed))
    by_type = {t: {"correct": correct_chunk.get(t, 0), "predicted": found_guessed.get(t, 0), "gold": found_correct.get(t, 0)}
               for t in types}
    overall = {k: sum(v[k] for v in by_type.values()) for k in ("correct", "predicted", "gold")}
    return {"overall": overall, "by_type": by_type, "tokens": tokens, "correct_tags": correct_tags}


def conlleval_package(gold, predicted):
    """The `conlleval` PyPI package on the same lines (it has seqeval's S/E rules)."""
    from conlleval import evaluate
    lines = []
    for g_sent, p_sent in zip(gold, predicted):
        lines += [f"w {g} {p}" for g, p in zip(g_sent, p_sent)] + [""]
    result = evaluate(lines)
    chunks = result["overall"]["chunks"]["stats"]
    return {"correct": chunks["correct"], "predicted": chunks["pred"], "gold": chunks["gold"]}


def seqeval_scores(gold, predicted, **kwargs):
    """Overall micro precision/recall/F1 and per-type scores from seqeval's classification_report."""
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            report = seqeval_report(gold, predicted, output_dict=True, zero_division=0, **kwargs)
        except ValueError as error:
            return {"error": str(error)}
    out = {"by_type": {}}
    for key, value in report.items():
        entry = {"precision": float(value["precision"]), "recall": float(value["recall"]),
                 "f1": float(value["f1-score"]), "support": int(value["support"])}
        if key == "micro avg":
            out["overall"] = entry
        elif key not in ("macro avg", "weighted avg"):
            out["by_type"][key] = entry
    if "overall" not in out:
        out["overall"] = {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0}
    return out


def random_tags(rng, prefixes, types, n):
    return ["O" if rng.random() < 0.4 else rng.choice(prefixes) + "-" + rng.choice(types) for _ in range(n)]


def make_ner(rng):
    # A CoNLL-2003-style file (word POS chunk NER, IOB1 tags), with -DOCSTART- lines.
    conll = """-DOCSTART- -X- -X- O

EU NNP B-NP I-ORG
rejects VBZ B-VP O
German JJ B-NP I-MISC
call NN I-NP O
to TO B-VP O
boycott VB I-VP O
British JJ B-NP I-MISC
lamb NN I-NP O
. . O O

Peter NNP B-NP I-PER
Blackburn NNP I-NP I-PER

-DOCSTART- -X- -X- O

BRUSSELS NNP B-NP I-LOC
1996-08-22 CD I-NP O

The DT B-NP O
European NNP I-NP I-ORG
Commission NNP I-NP I-ORG
said VBD B-VP O
Germany NNP B-NP I-LOC
Britain NNP B-NP B-LOC
"""
    os.makedirs(NER, exist_ok=True)
    with open(os.path.join(NER, "conll2003-sample.txt"), "w") as f:
        f.write(conll)
    cases = [
        ("I after O: an entity in IOB1, none in strict IOB2", [["O", "I-PER", "I-PER", "O"]], [["O", "I-PER", "I-PER", "O"]]),
        ("B after I of the same type (IOB1 boundary)", [["I-LOC", "B-LOC", "O"]], [["I-LOC", "I-LOC", "O"]]),
        ("type change inside", [["B-PER", "I-LOC", "I-LOC"]], [["B-PER", "I-PER", "I-LOC"]]),
        ("no entities at all", [["O", "O"], ["O"]], [["O", "O"], ["O"]]),
        ("predicted none", [["B-ORG", "I-ORG", "O"]], [["O", "O", "O"]]),
        ("gold none", [["O", "O", "O"]], [["B-ORG", "O", "B-PER"]]),
        ("entity at the sentence end and start", [["O", "B-PER"], ["I-PER", "O"]], [["O", "B-PER"], ["B-PER", "O"]]),
        ("IOBES", [["B-PER", "E-PER", "S-LOC", "O", "B-ORG", "I-ORG", "E-ORG"]],
                  [["B-PER", "E-PER", "S-LOC", "S-LOC", "B-ORG", "E-ORG", "O"]]),
        ("IOBES single-token runs", [["S-PER", "S-PER", "O"]], [["S-PER", "B-PER", "E-PER"]]),
        ("E after O", [["O", "E-PER", "O"]], [["O", "E-PER", "O"]]),
        ("hyphenated type", [["B-ORG-X", "I-ORG-X"]], [["B-ORG-X", "I-ORG-X"]]),
        ("CoNLL sample gold vs itself shifted",
         [["I-ORG", "O", "I-MISC", "O", "O", "O", "I-MISC", "O", "O"], ["I-PER", "I-PER"]],
         [["I-ORG", "O", "B-MISC", "O", "O", "O", "I-MISC", "I-MISC", "O"], ["I-PER", "B-PER"]]),
    ]
    for k in range(10):
        prefixes = [["B", "I"], ["I", "B"], ["B", "I", "E", "S"]][k % 3]
        sentences = rng.randint(1, 6)
        gold, predicted = [], []
        for _ in range(sentences):
            n = rng.randint(1, 12)
            gold.append(random_tags(rng, prefixes, ["PER", "LOC", "ORG"], n))
            predicted.append([g if rng.random() < 0.6 else random_tags(rng, prefixes, ["PER", "LOC", "ORG"], 1)[0] for g in gold[-1]])
        cases.append((f"random {k} ({'/'.join(prefixes)})", gold, predicted))
    out = []
    for name, gold, predicted in cases:
        oracle = conlleval_oracle(gold, predicted)
        uses_s = any(t.startswith(("S-", "E-")) for s in gold + predicted for t in s)
        if not uses_s:
            package = conlleval_package(gold, predicted)
            assert package == oracle["overall"], (name, package, oracle["overall"])
        out.append({
            "name": name, "gold": gold, "predicted": predicted,
            "conlleval": oracle,
            "seqeval_default": seqeval_scores(gold, predicted),
            "seqeval_strict_iob1": seqeval_scores(gold, predicted, mode="strict", scheme=IOB1),
            "seqeval_strict_iob2": seqeval_scores(gold, predicted, mode="strict", scheme=IOB2),
            "seqeval_strict_iobes": seqeval_scores(gold, predicted, mode="strict", scheme=IOBES),
        })
    with open(os.path.join(NER, "metrics.json"), "w") as f:
        json.dump({"versions": {"seqeval": seqeval.__version__ if hasattr(seqeval, "__version__") else "1.2.2",
                                "python": sys.version.split()[0]}, "cases": out}, f, indent=1)
        f.write("\n")


def main():
    make_glue(random.Random(13))
    make_metrics(random.Random(1313))
    make_ner(random.Random(131313))
    for folder in (GLUE, METRICS, NER):
        for dirpath, _, names in sorted(os.walk(folder)):
            for name in sorted(names):
                path = os.path.join(dirpath, name)
                print(f"{os.path.relpath(path, ROOT)}  {os.path.getsize(path)} bytes")


if __name__ == "__main__":
    main()
