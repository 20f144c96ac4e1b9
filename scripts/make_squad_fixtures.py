#!/usr/bin/env python3
"""Builds the SQuAD metric fixtures in Tests/Fixtures/squad/.

Small synthetic dev sets (SQuAD v1.1 and v2.0: punctuation, articles, accents, combining marks,
Greek final sigma, Turkish dotted I, CJK, full-width forms, numerals, emoji, unusual whitespace,
several gold answers, unanswerable questions, gold answers that normalize to nothing, a repeated
question id), prediction files that are exact, partly right, wrong, empty, or Unicode variants,
no-answer probability files (random, tied, integer-valued), and what the OFFICIAL evaluation
scripts print for each combination. The Swift tests then require the same numbers and the same
printed text.

The official scripts are not part of this repository. Pass the folder that holds
`evaluate-v1.1.py` and `evaluate-v2.0.py` (as published with SQuAD) with --official, or set
SQUAD_OFFICIAL_DIR; the default is /tmp. The v2.0 script imports numpy.

    python3 scripts/make_squad_fixtures.py --official /path/to/squad/scripts

Everything is seeded; rerunning with the same Python gives the same files. The Python version is
recorded, because Python 3.12 changed how sum() adds floats (v2.0's F1 can differ in the last digit).
With --also-python PYTHON (e.g. a python3.12), the v2.0 cases are run again under that interpreter
and its outputs recorded too; when it lacks numpy, which evaluate-v2.0.py imports but only uses for
plots, an empty stand-in module is put on its path (and that is recorded).

    python3 scripts/make_squad_fixtures.py --official DIR --also-python ~/.pyenv/versions/3.12.1/bin/python3
"""

import argparse
import hashlib
import importlib.util
import json
import os
import random
import subprocess
import sys
import tempfile
import unicodedata

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "Tests", "Fixtures", "squad")

# (title, context, [(question, [answer texts] or None for unanswerable, plausible answer or None)])
PARAGRAPHS = [
    ("Eiffel", "The Eiffel Tower, located in Paris, was completed in 1889. It is 330 metres (1,083 ft) tall "
               "and was the tallest man-made structure in the world until 1930.", [
        ("When was the Eiffel Tower completed?", ["1889"], None),
        ("How tall is the tower?", ["330 metres", "330 metres (1,083 ft)", "330"], None),
        ("Where is the tower?", ["Paris", "in Paris"], None),
        ("Until when was it the tallest structure?", ["1930", "until 1930"], None),
        ("When was the Statue of Liberty completed?", None, "1889"),
    ]),
    ("Beyoncé", "Beyoncé Giselle Knowles-Carter (born September 4, 1981) is an American singer. Her début "
                "album, Dangerously in Love, sold 11 million copies; “Crazy in Love” was its first single.", [
        ("What is Beyoncé's full name?", ["Beyoncé Giselle Knowles-Carter"], None),
        ("When was she born?", ["September 4, 1981", "September 4, 1981"], None),
        ("What was her first album?", ["Dangerously in Love", "Dangerously in Love,"], None),
        ("How many copies did it sell?", ["11 million", "11 million copies"], None),
        ("What was the first single?", ["“Crazy in Love”", "Crazy in Love"], None),
        ("What was her second album?", None, "Dangerously in Love"),
    ]),
    ("Κόρινθος", "Ο ΣΙΣΥΦΟΣ ήταν βασιλιάς της Κορίνθου. Ο ΟΔΥΣΣΕΥΣ ήταν βασιλιάς της Ιθάκης; ΣΣ ΑΣ.", [
        ("Ποιος ήταν βασιλιάς της Κορίνθου;", ["ΣΙΣΥΦΟΣ", "Ο ΣΙΣΥΦΟΣ"], None),
        ("Ποιος ήταν βασιλιάς της Ιθάκης;", ["ΟΔΥΣΣΕΥΣ"], None),
        ("Τι είναι το ΑΣ;", ["ΑΣ"], None),
        ("Ποιος ήταν βασιλιάς της Σπάρτης;", None, "ΟΔΥΣΣΕΥΣ"),
    ]),
    ("東京", "東京は日本の首都です。人口は約1400万人です。東京タワーは1958年に完成しました。", [
        ("日本の首都は?", ["東京"], None),
        ("人口は?", ["約1400万人", "1400万人"], None),
        ("東京タワーはいつ完成しましたか?", ["1958年"], None),
        ("大阪の人口は?", None, "約1400万人"),
    ]),
    ("İstanbul", "İstanbul is the largest city in Türkiye; its old name was Constantinople. The Bosphorus "
                 "divides it between Europe and Asia.", [
        ("What is the largest city?", ["İstanbul", "İstanbul is the largest city"], None),
        ("What was its old name?", ["Constantinople"], None),
        ("What divides the city?", ["The Bosphorus", "Bosphorus"], None),
        ("What is the capital of Türkiye?", None, "İstanbul"),
    ]),
    ("Café", "The café (cafe\u0301) on the Champs-Élysées serves crème brûlée; the naïve coöperative "
             "sells piñatas.", [
        ("What is the café also spelled?", ["cafe\u0301"], None),
        ("Where is the café?", ["the Champs-Élysées", "Champs-Élysées"], None),
        ("What does it serve?", ["crème brûlée"], None),
        ("What does the cooperative sell?", ["piñatas"], None),
        ("What does the bakery serve?", None, "crème brûlée"),
    ]),
    ("Palindromes", "A man, a plan, a canal: Panama! An apple a day keeps the doctor away. The Theatre of the "
                    "Absurd is an art form; anagram, the an, a.", [
        ("What is the palindrome?", ["A man, a plan, a canal: Panama!", "a canal: Panama"], None),
        ("What keeps the doctor away?", ["An apple a day", "An apple"], None),
        ("Who stays away?", ["the doctor"], None),
        ("What is an art form?", ["The Theatre of the Absurd"], None),
        ("What ends the paragraph?", ["the an, a."], None),
        ("Which article is a word?", ["the"], None),
        ("What is the palindrome in French?", None, "A man, a plan"),
    ]),
    ("Numbers", "Pi is approximately 3.14159; e ≈ 2.718. The U.S.A. has 50 states — and D.C. — with "
                "1,000,000+ people in 10 cities (100%).", [
        ("What is pi?", ["3.14159", "approximately 3.14159"], None),
        ("What is e?", ["2.718"], None),
        ("How many states?", ["50 states", "50"], None),
        ("Which country?", ["The U.S.A.", "U.S.A."], None),
        ("What share?", ["100%"], None),
        ("How many people?", ["1,000,000+"], None),
        ("How many provinces?", None, "50"),
    ]),
    ("Spaces", "Tabs\tand\u00a0non-breaking\u3000spaces\u2003appear here, with under_scores, «guillemets», "
               "file\u001cseparators and em\u2014dashes.", [
        ("What kind of spaces?", ["non-breaking\u3000spaces", "spaces"], None),
        ("What has an underscore?", ["under_scores"], None),
        ("What quotes?", ["«guillemets»"], None),
        ("What separators?", ["file\u001cseparators"], None),
        ("What dashes?", ["em\u2014dashes"], None),
    ]),
    ("Wide", "Ｔｈｅ ｆｕｌｌ-width text ① ② ③ and the Ⅻ roman numeral; the ½ fraction, the 二 numeral "
             "and ٣ digit.", [
        ("What text?", ["Ｔｈｅ ｆｕｌｌ-width text"], None),
        ("Which circled number comes first?", ["①"], None),
        ("Which roman numeral?", ["Ⅻ", "the Ⅻ"], None),
        ("Which fraction?", ["½"], None),
        ("Which Chinese numeral?", ["二", "the 二 numeral"], None),
        ("Which Arabic digit?", ["٣"], None),
    ]),
    ("Party", "The party 🎉 starts at 8 p.m. sharp 👍 at Straße 5; the ﬁnal toast is at 11:59 p.m.", [
        ("What emoji?", ["🎉"], None),
        ("When does it start?", ["8 p.m.", "8 p.m. sharp"], None),
        ("Where?", ["Straße 5"], None),
        ("What toast?", ["the ﬁnal toast", "ﬁnal"], None),
        ("When does it end?", None, "11:59 p.m."),
    ]),
    ("Edge", "?! The the THE a An. Nothing but punctuation and articles; also \"quoted\" words.", [
        ("What punctuation?", ["?!"], None),
        ("Which articles?", ["The the THE a An."], None),
        ("What is quoted?", ["\"quoted\"", "quoted"], None),
    ]),
]


def build_dataset(version):
    """The dev set for `version` ("1.1" or "2.0"): v1.1 leaves out unanswerable questions."""
    data = []
    counter = 0
    for title, context, questions in PARAGRAPHS:
        qas = []
        for question, answers, plausible in questions:
            if answers is None and version == "1.1":
                continue
            counter += 1
            qa = {"id": "q%03d%s" % (counter, "" if version == "1.1" else "v2"), "question": question}
            if answers is None:
                start = context.find(plausible)
                assert start >= 0, plausible
                qa["answers"] = []
                qa["plausible_answers"] = [{"text": plausible, "answer_start": start}]
                qa["is_impossible"] = True
            else:
                qa["answers"] = []
                for text in answers:
                    start = context.find(text)
                    assert start >= 0, (title, text)
                    qa["answers"].append({"text": text, "answer_start": start})
                if version == "2.0":
                    qa["is_impossible"] = False
            qas.append(qa)
        data.append({"title": title, "paragraphs": [{"context": context, "qas": qas}]})
    # A repeated question id: v1.1 scores it twice, v2.0 keeps the later one.
    first = data[0]["paragraphs"][0]["qas"][0]
    repeat = dict(first, question="A repeated id", answers=[{"text": "Paris", "answer_start": 29}])
    if version == "2.0":
        repeat["is_impossible"] = False
    data[-1]["paragraphs"][0]["qas"].append(repeat)
    return {"version": "1.1" if version == "1.1" else "v2.0", "data": data}


def questions(dataset):
    for article in dataset["data"]:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                yield paragraph["context"], qa


def golds(qa):
    return [a["text"] for a in qa["answers"]]


def variant(text, rng):
    """A Unicode or formatting variant of `text`."""
    choices = [
        lambda t: t.upper(),
        lambda t: t.lower(),
        lambda t: unicodedata.normalize("NFD", t),
        lambda t: unicodedata.normalize("NFKC", t),
        lambda t: "  " + t.replace(" ", "\u00a0") + "\u3000",
        lambda t: t.replace(" ", "\t\u2003"),
        lambda t: "the " + t + "!",
        lambda t: "A " + t + ".",
        lambda t: t.replace("e", "é"),
        lambda t: "\u001c" + t + "\u001f",
        lambda t: t + " the",
        lambda t: "(" + t + ")",
        lambda t: t.title(),
        lambda t: t.swapcase(),
        lambda t: t + "\u0301",
    ]
    return rng.choice(choices)(text)


def partial(text, context, rng):
    words = text.split()
    choice = rng.randrange(5)
    if choice == 0 and len(words) > 1:
        return " ".join(words[:-1])
    if choice == 1 and len(words) > 1:
        return " ".join(words[1:])
    if choice == 2:
        start = context.find(text)
        return context[max(0, start - 12):start + len(text) + 12]
    if choice == 3:
        return text + " " + text
    return "about " + text + " or so"


def wrong(context, rng):
    words = context.split()
    start = rng.randrange(len(words))
    return " ".join(words[start:start + rng.randrange(1, 5)])


def build_predictions(dataset, version, rng):
    """Prediction files (name -> {id: text}) for `dataset`."""
    items = list(questions(dataset))
    files = {}
    exact = {}
    for context, qa in items:
        exact[qa["id"]] = golds(qa)[0] if qa["answers"] else ""
    files["exact"] = exact
    files["empty"] = {qa["id"]: "" for _, qa in items}
    files["partial"] = {qa["id"]: partial(golds(qa)[-1], context, rng) if qa["answers"] else wrong(context, rng)
                        for context, qa in items}
    files["wrong"] = {qa["id"]: wrong(context, rng) for context, qa in items}
    files["unicode"] = {qa["id"]: variant(golds(qa)[rng.randrange(len(golds(qa)))], rng) if qa["answers"]
                        else rng.choice(["", " ", "the", "?", "\u3000", "an a"]) for context, qa in items}
    mixed = {}
    for context, qa in items:
        kind = rng.randrange(5)
        gold = golds(qa)[rng.randrange(len(golds(qa)))] if qa["answers"] else ""
        mixed[qa["id"]] = [gold, partial(gold, context, rng) if gold else "", wrong(context, rng), "",
                           variant(gold, rng) if gold else "the"][kind]
    mixed["not-a-question"] = "ignored by the official scripts"
    files["mixed"] = dict(reversed(list(mixed.items())))   # ids in another order than the data
    if version == "1.1":
        files["some_missing"] = {k: v for i, (k, v) in enumerate(exact.items()) if i % 4 != 1}
    return files


def build_na_probs(dataset, rng):
    ids = [qa["id"] for _, qa in questions(dataset)]
    unique = list(dict.fromkeys(ids))
    files = {}
    files["random"] = {i: rng.random() for i in unique}
    files["rounded"] = {i: round(rng.random(), 1) for i in reversed(unique)}            # many ties
    files["integers"] = {i: rng.choice([0, 1, 2]) for i in unique}                     # ints: thresholds print as ints
    files["mixed_types"] = {i: rng.choice([0, 1, 0.5, 0.25, 1e-7, -3.5, 12.0]) for i in unique}
    files["all_equal"] = {i: 0.5 for i in unique}
    files["extra_ids"] = dict(files["random"], **{"not-a-question": 0.0})
    return files


def load_module(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(script, args, python=sys.executable, env=None):
    done = subprocess.run([python, script] + args, capture_output=True, text=True, encoding="utf-8", env=env)
    if done.returncode != 0:
        raise SystemExit("%s %s failed:\n%s" % (script, " ".join(args), done.stderr))
    return done.stdout, done.stderr


def interpreter(python, stub_dir):
    """(version, environment, whether numpy is a stand-in) for running the official v2.0 script."""
    version = subprocess.run([python, "-c", "import sys; print(sys.version.split()[0])"], capture_output=True,
                             text=True, check=True).stdout.strip()
    env = dict(os.environ)
    has_numpy = subprocess.run([python, "-c", "import numpy"], capture_output=True).returncode == 0
    if not has_numpy:
        with open(os.path.join(stub_dir, "numpy.py"), "w") as f:
            f.write("# stand-in: evaluate-v2.0.py uses numpy only for its optional plots\n")
        env["PYTHONPATH"] = stub_dir + os.pathsep + env.get("PYTHONPATH", "")
    return version, env, not has_numpy


def write_json(path, value, ensure_ascii):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(value, f, ensure_ascii=ensure_ascii, indent=1)
        f.write("\n")


NORMALIZATION_TEXTS = [
    "", " ", "The", "the", "a", "an", "An Apple", "THE END", "theatre", "thé", "the\u0301", "the_", "_the_",
    "the1", "1the", "the²", "the½", "the二", "aan", "a-an-the", "a.an.the", "ΣΙΣΥΦΟΣ", "ΟΔΥΣΣΕΥΣ", "ΣΣ ΑΣ", "Σ",
    "ΑΣ.", "ΑΣ\u0301", "İstanbul", "ISTANBUL", "Straße", "STRASSE", "ﬁnal", "Ⅻ", "ǅ", "ǈungla", "Ｔｈｅ ｆｕｌｌ",
    "\u001cfile\u001dgroup\u001erecord\u001funit", "tab\there", "nbsp\u00a0here", "ideographic\u3000space",
    "zero\u200bwidth", "mongolian\u180evowel", "next\u0085line", "line\u2028separator", "«guillemets»",
    "“curly”", "don't", "U.S.A.", "3.14159", "1,000,000+", "100%", "em\u2014dash", "a\u00adb",
    "cafe\u0301", "café", "🎉 party", "東京タワー", "約1400万人", "٣ digit", "① ② ③", "a a a", "the the the",
    "an\u0300", "a\u0301n", "Ａ ｂ", "\ufeffthe", "the\u200d", "Ǆ", "ΐ", "ẞ", "K", "Ω", "Å",
]

F1_PAIRS = [
    ("the cat sat", "cat sat on the mat"), ("", ""), ("", "the"), ("the", ""), ("cat", ""), ("", "cat"),
    ("a a b", "a b b"), ("cafe\u0301", "café"), ("café", "CAFÉ"), ("ΣΙΣΥΦΟΣ", "σισυφος"), ("ΣΙΣΥΦΟΣ", "σισυφοσ"),
    ("İstanbul", "istanbul"), ("İstanbul", "i\u0307stanbul"), ("1,000", "1000"), ("U.S.A.", "usa"),
    ("x y z", "z y x"), ("new york city", "york"), ("the the", "the"), ("a b c d", "a b c d e f g h"),
    ("one two three", "two three four five"), ("東京 タワー", "東京"), ("straße", "strasse"),
]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--official", default=os.environ.get("SQUAD_OFFICIAL_DIR", "/tmp"),
                        help="folder with evaluate-v1.1.py and evaluate-v2.0.py (default: $SQUAD_OFFICIAL_DIR or /tmp)")
    parser.add_argument("--also-python", action="append", default=[],
                        help="another Python interpreter to run the v2.0 cases under (repeatable)")
    args = parser.parse_args()
    v1_script = os.path.join(args.official, "evaluate-v1.1.py")
    v2_script = os.path.join(args.official, "evaluate-v2.0.py")
    for script in (v1_script, v2_script):
        if not os.path.exists(script):
            raise SystemExit("%s not found: pass the folder of the official SQuAD scripts with --official" % script)

    for sub in ("", "predictions", "na_probs"):
        os.makedirs(os.path.join(OUT, sub), exist_ok=True)
    rng = random.Random(20240611)
    cases = []
    for version, script in (("1.1", v1_script), ("2.0", v2_script)):
        dataset = build_dataset(version)
        data_name = "dev-v%s.json" % version
        write_json(os.path.join(OUT, data_name), dataset, ensure_ascii=False)   # UTF-8 as SQuAD ships it
        predictions = build_predictions(dataset, version, rng)
        for name, preds in predictions.items():
            path = "predictions/v%s-%s.json" % (version, name)
            write_json(os.path.join(OUT, path), preds, ensure_ascii=(name != "unicode"))
            runs = [(None, None)]
            if version == "2.0":
                runs += [(None, 0.5)]
            for na_path, thresh in runs:
                cases.append((version, script, data_name, path, na_path, thresh))
        if version == "2.0":
            for name, probs in build_na_probs(dataset, rng).items():
                path = "na_probs/v2.0-%s.json" % name
                write_json(os.path.join(OUT, path), probs, ensure_ascii=True)
                for pred_name in ("exact", "mixed", "partial", "unicode", "empty"):
                    for thresh in (None, 0.5, 0.0):
                        cases.append((version, script, data_name, "predictions/v2.0-%s.json" % pred_name, path, thresh))

    def arguments(data_name, pred_path, na_path, thresh):
        argv = [os.path.join(OUT, data_name), os.path.join(OUT, pred_path)]
        if na_path:
            argv += ["--na-prob-file", os.path.join(OUT, na_path)]
        if thresh is not None:
            argv += ["--na-prob-thresh", repr(thresh)]
        return argv

    records = []
    for version, script, data_name, pred_path, na_path, thresh in cases:
        stdout, stderr = run(script, arguments(data_name, pred_path, na_path, thresh))
        records.append({"version": version, "data": data_name, "predictions": pred_path, "na_probs": na_path,
                        "na_prob_thresh": thresh, "stdout": stdout, "stderr": stderr,
                        "metrics": json.loads(stdout)})

    other_pythons = []
    with tempfile.TemporaryDirectory() as stub_dir:
        for python in args.also_python:
            python_version, env, stub = interpreter(python, stub_dir)
            outputs = []
            for index, (version, script, data_name, pred_path, na_path, thresh) in enumerate(cases):
                if version == "2.0":
                    stdout, _ = run(script, arguments(data_name, pred_path, na_path, thresh), python=python, env=env)
                    outputs.append({"case": index, "stdout": stdout})
            other_pythons.append({"python": python_version, "numpy_stand_in": stub, "v2_outputs": outputs})

    v1 = load_module(v1_script, "squad_official_v1")
    v2 = load_module(v2_script, "squad_official_v2")
    normalization = {
        "texts": [{"text": t, "v1": v1.normalize_answer(t), "v2": v2.normalize_answer(t)} for t in NORMALIZATION_TEXTS],
        "pairs": [{"prediction": p, "gold": g,
                   "v1_exact": bool(v1.exact_match_score(p, g)), "v1_f1": float(v1.f1_score(p, g)),
                   "v2_exact": v2.compute_exact(g, p), "v2_f1": float(v2.compute_f1(g, p))} for p, g in F1_PAIRS],
    }
    write_json(os.path.join(OUT, "normalization.json"), normalization, ensure_ascii=True)

    def digest(path):
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()

    manifest = {
        "python": sys.version.split()[0],
        "official_scripts": {"evaluate-v1.1.py": digest(v1_script), "evaluate-v2.0.py": digest(v2_script)},
        "seed": 20240611,
        "cases": records,
        "other_pythons": other_pythons,
    }
    write_json(os.path.join(OUT, "official.json"), manifest, ensure_ascii=True)
    print("wrote %d official results to %s" % (len(records), OUT))


if __name__ == "__main__":
    main()
