"""Generate reference fixtures for the Swift BERT WordPiece tokenizer tests.

Produces, under ``Tests/Fixtures/tokenizer/``:

* ``uncased.jsonl`` -- one JSON object per test line for
  ``bert-base-uncased-vocab.txt`` (do_lower_case=True), and
* ``cased.jsonl``   -- the same lines for ``bert-base-cased-vocab.txt``
  (do_lower_case=False).

  Each object has the keys (written with ``sort_keys=True``)::

      text          the input line (any Unicode, may contain controls)
      group         which generator produced the line (informational)
      ids           reference ids: slow tokenizer,
                    tok.convert_tokens_to_ids(tok.tokenize(text))
      tokens        tok.tokenize(text) of the slow tokenizer
      fast_ids      ids of the Rust-backed fast tokenizer (no special tokens)
      fast_offsets  its offset_mapping: [start, end) in Unicode code points
                    (Python string indices) of the ORIGINAL text
      fast_matches  fast_ids == ids
      newer_unicode the line contains code points that are unassigned in
                    Python's unicodedata (see metadata) but assigned in a newer
                    Unicode version; the slow tokenizer drops such code points
                    as "control characters", an implementation with a newer
                    Unicode database will not.

  The reference is the SLOW pure-Python tokenizer
  (``transformers.models.bert.tokenization_bert_legacy.BertTokenizerLegacy``,
  tokenize_chinese_chars=True, strip_accents=None). Note that in
  transformers 5.x it applies NFC to the text after cleaning and CJK spacing,
  which the fast tokenizer does not, and that its lower-casing is Python's
  ``str.lower`` (context-sensitive final sigma). ``fast_*`` are informational.

* ``pairs.jsonl``   -- pair encodings (uncased, slow tokenizer) with
  truncation strategies longest_first / only_first / only_second / none:
  ``{"text_a", "text_b", "max_length", "truncation", "input_ids",
  "token_type_ids", "error"}``; ``error`` is null or the exception message
  (then the id lists are null; transformers 5.24 raises for none of the cases:
  a side too short to truncate becomes empty and the result may exceed
  max_length). ``fast_input_ids``, ``fast_token_type_ids`` and ``fast_error``
  are the fast tokenizer's answer, for information only (it raises where the
  slow one over-truncates, breaks longest_first ties the other way, and drops
  an empty second text).
* ``decode.jsonl``  -- ``tok.decode(ids)`` and
  ``tok.decode(ids, skip_special_tokens=True)`` of the slow tokenizer:
  ``{"vocab", "ids", "text", "text_skip_special",
  "clean_up_tokenization_spaces"}``.
* ``metadata.json`` -- versions (python, unicodedata, transformers, tokenizers,
  regex), seed, line counts, per-group and per-category line counts, number of
  fast/slow disagreements.

All JSON is written with ``ensure_ascii=True`` (the files are pure ASCII;
controls, astral characters etc. appear as ``\\uXXXX`` escapes, astral ones
as UTF-16 surrogate pairs) and ``sort_keys=True``. The script is
deterministic: running it twice gives byte-identical files.

To regenerate (from the repository root; no network needed):

    .venv-ref/bin/python scripts/make_tokenizer_fixtures.py

The vocabularies are read from ``/work/shared/data/vocab`` and the novel from
``/work/shared/data/text`` (override with the environment variables
``TOKENIZER_VOCAB_DIR`` and ``TOKENIZER_TEXT``).
"""

import collections
import json
import os
import random
import sys
import unicodedata

import regex
import tokenizers
import transformers
from transformers.models.bert.tokenization_bert_legacy import BertTokenizerLegacy

SEED = 20261126
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(REPO_ROOT, "Tests", "Fixtures", "tokenizer")
VOCAB_DIR = os.environ.get("TOKENIZER_VOCAB_DIR", "/work/shared/data/vocab")
NOVEL = os.environ.get("TOKENIZER_TEXT", "/work/shared/data/text/pride-and-prejudice-pg1342.txt")
VOCABS = [
    # (name, file, do_lower_case)
    ("uncased", "bert-base-uncased-vocab.txt", True),
    ("cased", "bert-base-cased-vocab.txt", False),
]

# Code points assigned after Unicode 14.0 (Python 3.11's unicodedata), used on
# purpose. The generic detector below (Cn in unicodedata but assigned in the
# `regex` module's newer database) finds them too; this table only labels them.
NEWER = {
    0x1FAE8: "15.0 SHAKING FACE",
    0x1F6DC: "15.0 WIRELESS",
    0x1FA75: "15.0 LIGHT BLUE HEART",
    0x1FABF: "15.0 GOOSE",
    0x31350: "15.0 CJK EXT H",
    0x2B739: "15.0 CJK EXT C (inside BERT's CJK range)",
    0x11F00: "15.0 KAWI SIGN CANDRABINDU",
    0x1E4D0: "15.0 NAG MUNDARI LETTER O",
    0x2EBF0: "15.1 CJK EXT I",
    0x2FFC: "15.1 IDEOGRAPHIC DESCRIPTION CHARACTER",
    0x31EF: "15.1 CJK STROKE HXG",
    0x1FAE9: "16.0 FACE WITH BAGS UNDER EYES",
    0x1FA89: "16.0 HARP",
    0x1FA8F: "16.0 SHOVEL",
    0x1FADC: "16.0 ROOT VEGETABLE",
    0x105C0: "16.0 TODHRI LETTER A",
}
NEWER_CHARS = [chr(c) for c in sorted(NEWER)]


def is_newer_unicode(ch):
    return unicodedata.category(ch) == "Cn" and regex.match(r"\p{Cn}", ch) is None


# ---------------------------------------------------------------------------
# Hand-written cases, by group.
# ---------------------------------------------------------------------------

ASCII_PUNCT = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
UNICODE_PUNCT = [
    "\u201c", "\u201d", "\u2018", "\u2019", "\u00ab", "\u00bb", "\u2013", "\u2014",
    "\u2026", "\u00bf", "\u00a1", "\u00b7", "\u2027", "\u3001", "\u3002", "\u300c",
    "\u300d", "\u2039", "\u203a", "\u201e", "\u201a", "\u300e", "\u300f", "\u3010",
    "\u3011", "\u3008", "\u3009", "\u203c", "\u2047", "\u203b", "\u2020", "\u2021",
    "\u2022", "\u2030", "\u2032", "\u2033", "\u2010", "\u2011", "\u2012", "\u2015",
    "\u00a7", "\u00b6", "\uff01", "\uff1f", "\uff0c", "\uff0e", "\uff1a", "\u060c",
    "\u061f", "\u0589", "\u055e", "\u0964", "\u0e2f", "\u301c", "\u30fb", "\u2e2e",
    "\u05be", "\u05c3", "\u066a", "\ufe10", "\ufe50", "\U0001e95e",
]
SYMBOLS = [
    "\u20ac", "\u00a3", "\u00a5", "\u00a2", "\u00a4", "\u20b9", "\u20bf", "\u20a9",
    "\u00a9", "\u00ae", "\u2122", "\u00b0", "\u00b1", "\u00d7", "\u00f7", "\u00ac",
    "\u00a6", "\u00a8", "\u00b4", "\u00b8", "\u00af", "\u02dc", "\u02c6", "\u2211",
    "\u222b", "\u221a", "\u221e", "\u2260", "\u2264", "\u2265", "\u2200", "\u2208",
    "\u211d", "\u2202", "\u2207", "\u2282", "\u2227", "\u2192", "\u2190", "\u21d2",
    "\u250c", "\u2500", "\u2510", "\u2713", "\u2717", "\u2605", "\u2044", "\uff5e",
    "\u2116", "\u2103", "\u338f", "\u2f00", "\u2e80", "\u31c0", "\u2ff0", "\u3220",
    "\u3003", "\u00b5", "\u00aa", "\u00ba", "\U0001d400", "\U0001d538", "\U0001d553",
]
ASCII_PUNCT_LIST = list(ASCII_PUNCT)

GREEK = [
    "\u03a3\u0391\u03a3",                      # ΣΑΣ
    "\u03a3",                                  # Σ alone
    "\u0391\u03a3.",                           # ΑΣ.
    "\u1f48\u0394\u03a5\u03a3\u03a3\u0395\u038e\u03a3",  # ὈΔΥΣΣΕΎΣ
    "\u039f\u0394\u03a5\u03a3\u03a3\u0395\u03a5\u03a3 \u03ba\u03b1\u03b9 \u03a0\u0397\u039d\u0395\u039b\u039f\u03a0\u0397",
    "\u03c3\u03bf\u03c6\u03cc\u03c2 \u03a3\u039f\u03a6\u039f\u03a3 \u03a3\u03bf\u03c6\u03af\u03b1",
    "\u039f\u03a3\u039c\u0391\u03a3 \u03a3\u0391\u03a3\u03a3\u0391\u03a3",
    "1\u03a3 \u03911\u03a3 \u0391\u03a31 2\u03a3\u03a3",  # Σ after digits
    "'\u03a3' \u0391'\u03a3 \u0391\u03a3' \u03a3'\u0391",  # apostrophes
    "\u0391.\u03a3 \u0391\u03a3.\u0391 \u0391-\u03a3 \u0391\u03a3-\u0391\u03a3",
    "\u0391\u03a3\u0301 \u0391\u0301\u03a3 \u0391\u03a3\u0308\u0391",  # marks around sigma
    "\u0391\u03a3\u200b\u0391 \u0391\u03a3\u00ad\u0391 \u0391\u03a3\u200d",  # ignorables
    "\u03a3\u03a3\u03a3 \u03a3\u03a3 \u03c3\u03a3 \u03a3\u03c3",
    "\u0391\u03a3\u4e2d \u0391\u03a3\U0001f600 \u0391\u03a3\u3000\u0391",
    "\u0395\u039b\u039b\u0391\u03a3, \u0391\u0398\u0397\u039d\u0391\u03a3; \u03a3\u03a0\u0391\u03a1\u03a4\u0397\u03a3!",
    "\u039a\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1 \u03ba\u03cc\u03c3\u03bc\u03b5",
    "\u0390\u03b0\u1fb3\u1fbc\u1f00\u1f08\u1f88",  # polytonic, iota subscript/adscript
    "\u03b1\u0313\u0342 \u03b1\u0342\u0313 \u1f06",  # stacked polytonic marks
    "\u037e \u0387 ; \u00b7",  # Greek question mark and ano teleia (NFC singletons)
]
TURKISH_GERMAN = [
    "\u0130stanbul \u0130ZM\u0130R D\u0130YARBAKIR",
    "\u0131s\u0131k \u0131\u0131\u0131 I\u0131 \u0130i",
    "\u0130",
    "Stra\u00dfe STRASSE Ma\u00df gro\u00df GRO\u1e9e \u1e9e",
    "\u00df\u00df\u00df \u1e9e\u1e9e",
    "\u01c4 \u01c5 \u01c6 \u01c5emal \u01c4EMAL \u01c7 \u01c8 \u01c9 \u01ca \u01cb \u01cc \u01f1 \u01f2 \u01f3",
    "\ufb01nance o\ufb00ice \ufb02ow \ufb03 \ufb04 \ufb05 \ufb06 \ufb13",
    "\u212b \u2126 \u212a \u212bngstr\u00f6m 5\u2126 300\u212a",
    "\uff21\uff22\uff23\uff11\uff12\uff13 \uff48\uff45\uff4c\uff4c\uff4f \uff37\uff2f\uff32\uff2c\uff24",
    "x\u00b2 E=mc\u00b2 H\u2082O 10\u207b\u00b3 \u00bd \u00be \u2153",
    "\u2460\u2461\u2462 \u2473 \u24b6\u24d0 \u3251",
    "\u216b \u217b \u2160\u2161\u2162 Chapter \u216b",
    "\u0149 \u01f0 \u1e96 \u0390 \u1e9b\u0323",
    "\u00c5 A\u030a \u212b \u00e5 a\u030a",
    "Dvo\u0159\u00e1k \u0141\u00f3d\u017a \u00c6sir \u0152uvre \u00d8resund \u00de\u00f3rr \u00d0",
]
ACCENTS = [
    "caf\u00e9 cafe\u0301 CAF\u00c9 CAFE\u0301",
    "na\u00efve nai\u0308ve r\u00e9sum\u00e9 re\u0301sume\u0301",
    "\u00e0\u00e1\u00e2\u00e3\u00e4\u00e5\u00e6\u00e7\u00e8\u00e9\u00ea\u00eb\u00ec\u00ed\u00ee\u00ef\u00f1\u00f2\u00f3\u00f4\u00f5\u00f6\u00f8\u00f9\u00fa\u00fb\u00fc\u00fd\u00ff",
    "\u00c0\u00c1\u00c2\u00c3\u00c4\u00c5\u00c6\u00c7\u00c8\u00c9\u00ca\u00cb\u00cc\u00cd\u00ce\u00cf\u00d1\u00d2\u00d3\u00d4\u00d5\u00d6\u00d8\u00d9\u00da\u00db\u00dc\u00dd",
    "a\u0323\u0301 a\u0301\u0323 \u1ea5 a\u0302\u0301 a\u0301\u0302",   # stacked marks, both orders
    "e\u0323\u0302 e\u0302\u0323 \u1ec7 \u1ec6 E\u0302\u0323",
    "o\u031b\u0323 o\u0323\u031b \u1ee3 u\u031b\u0300 \u01b0\u0300",
    "\u0301abc \u0301 \u0308o \u0300\u0301\u0302",  # marks at word start
    "\u0301",
    "\u0301\u0302\u0303 leading marks",
    "x \u0327c c\u0327 \u00e7 C\u0327 \u00c7",
    "!\u0301 .\u0308 \u4e2d\u0301 \U0001f600\u0301 1\u0301 $\u0301",  # marks after punct/CJK/emoji
    "a\u034fb a\u035cb a\u0361b",  # CGJ (Mn, default ignorable), double diacritics
    "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324\u031e\u0349\u035a\u032f\u031e\u0320\u034dA\u036b\u0357\u0334\u0362\u0335\u031c\u0330\u0354L\u0368\u0367\u0369\u0358\u0320G\u0311\u0357\u030e\u0305\u035b\u0341\u0334\u033b\u0348\u034d\u0354\u0339O\u0342\u030c\u030c\u0358\u0328\u0335\u0339\u033b\u031d\u0333",  # zalgo
    "Ti\u1ebfng Vi\u1ec7t c\u00f3 d\u1ea5u: Nguy\u1ec5n \u0110\u1ee9c Th\u1ecd, ph\u1edf b\u00f2, \u0111\u01b0\u1eddng ph\u1ed1 H\u00e0 N\u1ed9i",
    "Tie\u0302\u0301ng Vie\u0323\u0302t co\u0301 da\u0302\u0301u",  # decomposed Vietnamese
    "TI\u1ebeNG VI\u1ec6T \u0110\u01afA \u01a0N",
    "Cr\u00e8me br\u00fbl\u00e9e, pi\u00f1ata, jalape\u00f1o, Z\u00fcrich, S\u00e3o Paulo, Ki\u00e7i\u015f, \u00c5lesund",
    "e\u0301\u0301\u0301 e\u0300\u0301 e\u0301\u0300",
    "\u0107 c\u0301 \u1e09 c\u0327\u0301 c\u0301\u0327",
    "\u01d5 U\u0308\u0304 \u01d6 u\u0304\u0308",
    "a\u0300b\u0301c\u0302d\u0303e\u0304f\u0306g\u0307h\u0308i\u0309j\u030ak\u030bl\u030c",
]
SCRIPTS = [
    "\u041f\u0440\u0438\u0432\u0435\u0442, \u043c\u0438\u0440! \u0401\u043b\u043a\u0430 \u0451\u0436\u0438\u043a \u0419\u041e\u0413\u0423\u0420\u0422",
    "\u0438\u0306 \u0439 \u0418\u0306 \u0435\u0308 \u0404\u0456\u0457\u0491 \u040e\u045e",
    "\u0544\u0561\u0580\u0564\u056b\u056f \u0562\u0561\u0580\u0565\u0582 \u0587 \u0535\u0552 \u0589 \u0570\u0561\u0575\u0565\u0580\u0565\u0576\u055e",
    "\u10d2\u10d0\u10db\u10d0\u10e0\u10ef\u10dd\u10d1\u10d0 \u1c92\u1c90\u1c9b\u1c90\u1ca0\u1caf\u1c9d\u1c91\u1c90 \u10a0\u2d00",
    "\u05e9\u05c1\u05b8\u05dc\u05d5\u05b9\u05dd \u05d1\u05bc\u05b0\u05e8\u05b5\u05d0\u05e9\u05c1\u05b4\u05d9\u05ea",
    "\u05e9\u05b8\u05c1\u05dc\u05d5\u05b9\u05dd \u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd \u05d9\u05e8\u05d5\u05e9\u05dc\u05d9\u05dd",
    "\u0645\u0631\u062d\u0628\u0627 \u0628\u0627\u0644\u0639\u0627\u0644\u0645 \u0627\u0644\u0639\u064e\u0631\u064e\u0628\u0650\u064a\u0651\u064e\u0629",
    "\u0628\u0651\u064e \u0628\u064e\u0651 \u0643\u062a\u0640\u0640\u0640\u0627\u0628 \u061f \u060c \u0661\u0662\u0663 \ufefb \ufdf2",
    "\u0647\u0630\u0627 \u0627\u062e\u062a\u0628\u0627\u0631\u061f \u200f\u0646\u0639\u0645\u200f.",
    "\u0928\u092e\u0938\u094d\u0924\u0947 \u0926\u0941\u0928\u093f\u092f\u093e \u0939\u093f\u0928\u094d\u0926\u0940 \u0915\u094d\u0937\u0924\u094d\u0930\u093f\u092f",
    "\u0958 \u0915\u093c \u0959 \u0916\u093c \u0929 \u0928\u093c \u0901\u0902\u0903 \u0964 \u0965 \u0966\u0967\u0968",
    "\u0bb5\u0ba3\u0b95\u0bcd\u0b95\u0bae\u0bcd \u0c28\u0c2e\u0c38\u0c4d\u0c15\u0c3e\u0c30\u0c02 \u09b8\u09cd\u09ac\u09be\u0997\u09a4\u09ae",
    "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35\u0e04\u0e23\u0e31\u0e1a \u0e20\u0e32\u0e29\u0e32\u0e44\u0e17\u0e22 \u0e51\u0e52\u0e53 \u0e46 \u0e2f",
    "\u0e01\u0e34\u0e19\u0e02\u0e49\u0e32\u0e27\u0e2b\u0e23\u0e37\u0e2d\u0e22\u0e31\u0e07 \u0e19\u0e49\u0e33 \u0e01\u0e4d\u0e32",
    "\uc548\ub155\ud558\uc138\uc694 \ud55c\uad6d\uc5b4 \uac01 \ud7a3",
    "\u1100\u1161\u11a8 \u1112\u1161\u11ab\u1100\u116e\u11a8 \u1100\u1176 \u1100\u1161 \u11a8",  # conjoining jamo
    "\u1100\u1161\u11a8\uac00\u11a8 \u3131\u314f",
    "\u3053\u3093\u306b\u3061\u306f\u4e16\u754c \u30ab\u30bf\u30ab\u30ca \u3072\u3089\u304c\u306a \uff76\uff80\uff76\uff85",
    "\u6771\u4eac\u306f\u65e5\u672c\u306e\u9996\u90fd\u3067\u3059\u3002\u30b3\u30fc\u30d2\u30fc\u3092\u98f2\u307f\u307e\u3059\u3002",
    "\u304b\u3099 \u304c \u30cf\u309a \u30d1 \u3005 \u3007 \u30fc \u309d \u30fd",
    "\u16a0\u16c7\u16bb \u1200\u120b \u13a0\u13a1 \u1780\u1781 \u0f40\u0f72 \u1820\u1821\u180e\u1822",
    "\u0dc1\u0dca\u200d\u0dbb\u0dd3 \u0d15\u0d4d\u200c\u0d15 \u0cb8\u0ccd\u0cb5",
]
CJK = [
    "\u6211\u7231\u5317\u4eac\u5929\u5b89\u95e8\u3002",
    "\u4e2d\u534e\u4eba\u6c11\u5171\u548c\u56fd\u6210\u7acb\u4e8e1949\u5e74\u3002",
    "\u81fa\u7063\u7684\u7e41\u9ad4\u5b57\uff0c\u4f60\u597d\uff01\u4eca\u5929\u600e\u9ebc\u6a23\uff1f",
    "\u8fd9\u662fGPT\u548cBERT\u6a21\u578b\u7684\u6bd4\u8f83abc\u6d4b\u8bd5123",
    "\u3400\u3401\u4db5\u4dbf \U00020000\U00020001\U0002a6a5 \U0002a700\U0002b734 \U0002b740\U0002b81d \U0002b820\U0002cea1",
    "\U0002ceb0\U0002ebe0 \U00030000\U0003134a \u9fa5\u9fff\u9ffd",  # Ext F/G: not in BERT's CJK ranges
    "\uf900\uf901\uf9ff \ufa0e\ufa0f\ufa11 \ufa6d\ufa70\ufad9 \U0002f800\U0002f801\U0002fa1d",  # compat ideographs
    "\u8c48\uf900 \u66f4\uf901 \u4e3d\U0002f800 \u5207\uf9ff",
    "a\uf900b c\U0002f800d \u4e2d\u6587abc\u4e2d\u6587",
    "\u2f00\u2f01\u2f02 \u2e80\u2e81 \u31c0\u31c1 \u2ff0\u2ff1 \u3105\u3106\u3107 \u3220\u3221 \u3003",
    "\u3000\u4e2d\u3000\u6587\u3000",
    "\u300c\u4f60\u597d\u300d\u300e\u4e16\u754c\u300f\u3010\u6ce8\u610f\u3011\u3008\u4e66\u3009",
    "\u4e00\u4e8c\u4e09\u56db\u4e94\u516d\u4e03\u516b\u4e5d\u5341\u767e\u5343\u4e07\u4ebf",
    "\u9f98\u9f49\u7228\u9ea4\u706a\u7065",
]
EMOJI = [
    "\U0001f600 \U0001f602 \U0001f923 \u263a \u263a\ufe0f \u2764 \u2764\ufe0f \u2728",
    "\U0001f44d\U0001f3fd \U0001f44b\U0001f3fb\U0001f44b\U0001f3ff \U0001f3fd",
    "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466 \U0001f9d1\u200d\U0001f4bb \U0001f469\U0001f3ff\u200d\U0001f9b0",
    "\U0001f3f3\ufe0f\u200d\U0001f308 \U0001f3f4\u200d\u2620\ufe0f \U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f",
    "\U0001f1fa\U0001f1f8\U0001f1ef\U0001f1f5\U0001f1e9\U0001f1ea \U0001f1fa",
    "1\ufe0f\u20e3 #\ufe0f\u20e3 *\ufe0f\u20e3 1\u20e3 9\ufe0f\u20e3 \U0001f51f",
    "I love it\u2764\ufe0f!!\U0001f525\U0001f525 so good\U0001f44c\U0001f3fc",
    "\U0001fae0 \U0001fae3 \U0001faf6\U0001f3fe \U0001f972 \U0001f90c \U0001fac0 \U0001f9cb",
    "\U0001f426\u200d\U0001f525 \U0001f642\u200d\u2194\ufe0f \U0001f9d1\U0001f3fd\u200d\U0001f91d\u200d\U0001f9d1\U0001f3fb",
    "\u00a9\ufe0f \u00ae\ufe0e \u2122\ufe0f \u203c\ufe0f \u2049\ufe0f \u3030\ufe0f \u303d\ufe0f",
    "text\U0001f600text\U0001f600\U0001f600text",
    "\U0001f004\U0001f0cf\U0001f170\ufe0f\U0001f201\U0001f22f",
]
NEWER_LINES = [
    "\U0001fae8",
    "shaking \U0001fae8 face and wireless \U0001f6dc",
    "abc\U0001fae8def",
    "\U0001fa75\U0001fabf\U0001fae9\U0001fa89\U0001fa8f\U0001fadc",
    "\u4e2d\U0002ebf0\u6587 \U0002ebf0 x\U0002ebf0y",
    "\U00031350 \U0002b739 a\U0002b739b \u2ffc\u31ef",
    "Kawi \U00011f00 Nag Mundari \U0001e4d0 Todhri \U000105c0",
    "\u03a3\U0001fae8 \u0391\u03a3\U0001fae8",  # sigma next to a newer code point
    "[MASK]\U0001fae9[SEP]",
    "x\u0301\U0001f6dc\u0301",
]
CONTROLS = [
    "\x00", "a\x00b", "\x00hello\x00 world\x00",
    "\x01\x02\x03 start \x07bell\x08",
    "\x1b[31mred\x1b[0m \x1b[1;32mgreen\x1b[0m",
    "del\x7fete \x7f \x80\x81\x9f",
    "next\x85line \x85",
    "vertical\x0btab form\x0cfeed",
    "sep\x1cfile\x1dgroup\x1erecord\x1funit",
    "\x1c\x1d\x1e\x1f",
    "bad\ufffdchar \ufffd\ufffd \ufffd",
    "zero\u200bwidth\u200bspace \u200b",
    "zw\u200cnj zw\u200dj \u200d\u200c",
    "\ufeffBOM at start \ufeff inside\ufeff",
    "soft\u00adhyphen co\u00adop\u00ader\u00adate",
    "bidi \u200eLRM \u200fRLM \u202eRLO\u202c \u2066isolate\u2069 \u202a\u202b\u202d",
    "private \ue000 \ue001\uf8ff \U000f0000 \U00100000 use",
    "unassigned \u0378 \u0379 \U00050000 \uffff \ufdd0 \U0010ffff \U000e0000 here",
    "a\u0378b c\U00050000d",
    "\u0600\u0601 \u06dd \u070f \u180e \u2060\u2061\u2062\u2063\u2064 \U0001d173\U0001d17a \U000e0001\U000e0041",
    "\ufff9\ufffa\ufffb \ufffc \ufffd",
    "\u0000\u0001\u0007\u001b\u007f\u0085\u000b\u000c",
    "[MA\u200bSK] [MA\x00SK] [\u00adCLS] [SEP\ufeff] x[MASK\u200b]y",
    "\u200b", "\ufeff", "\u00ad", "\x7f", "\x0b\x0c", "\u200b\u200c\u200d\u2060",
]
WHITESPACE = [
    "", " ", "  ", "\t", "\n", "\r\n", "\r", " \t \r\n ", "\u00a0", "\u3000",
    "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a",
    "\u1680\u2028\u2029\u202f\u205f",
    " \u3000 \u00a0 \u2003 ",
    "a\tb\tc", "a\r\nb\r\nc", "a\nb\rc", "a\u00a0b", "a\u1680b", "a\u2028b", "a\u2029b",
    "a\u202fb", "a\u205fb", "a\u3000b", "a\u180eb",
    "a\u2000b\u2001c\u2002d\u2003e\u2004f\u2005g\u2006h\u2007i\u2008j\u2009k\u200al",
    "   leading spaces", "trailing spaces   ", "multiple     internal      spaces",
    "\t\ttabs\t\tand\t\tmore\t\t", "\r\nline one\r\nline two\r\n",
    "word\u00a0\u00a0\u00a0word", "100\u00a0km \u00a0\u2009\u00a0 x",
    " \x00 \u200b \t ", "\u00a0\u200b\u00a0", "\x85\u2028\u2029",
]
PUNCT = [
    ASCII_PUNCT,
    " ".join(ASCII_PUNCT),
    "a" + "a".join(ASCII_PUNCT) + "a",
    "He said, \u201cHello!\u201d \u2014 and she replied \u2018no\u2019\u2026",
    "\u00bfQu\u00e9? \u00a1Hola! \u00abbonjour\u00bb \u2039oui\u203a \u201eJa\u201c \u201aja\u2018",
    "pages 10\u201320, 1990\u20132000, \u2014em\u2014dash\u2014",
    "\u00b7middle\u00b7dot\u00b7 \u2027hyph\u2027 \u2022 bullet \u2020\u2021 \u2030 \u2032\u2033",
    "\u3001\u3002\u300c\u300d\u300e\u300f\u3010\u3011\u3008\u3009\u301c\u30fb",
    "\uff01\uff1f\uff0c\uff0e\uff1a\uff1b\uff08\uff09\uff3b\uff3d\uff5b\uff5d\uff02\uff07",
    "$100 ^caret `backtick` ~tilde~ |pipe| \\backslash\\",
    "\u20ac100 \u00a35 \u00a5500 \u20b9200 \u20bf0.5 \u00a2 \u00a4 \u20a9",
    "\u00a92024 Acme\u00ae Widget\u2122 25\u00b0C \u00b15 3\u00d74 8\u00f72 \u00a73 \u00b62",
    "\u2211 \u222b \u221a2 \u221e \u2260 \u2264 \u2265 \u2200x\u2208\u211d \u2202f/\u2202x \u2207 \u2282 \u2227 \u2228",
    "\u2192 \u2190 \u21d2 \u2194 \u250c\u2500\u2510 \u2713 \u2717 \u2605 \u2606 \u2665",
    "\u00ac\u00a6\u00a8\u00b4\u00b8\u00af\u02dc\u02c6 \u00b5m \u00aa \u00ba \u2116 \u2103 \u2109",
    "\U0001d400\U0001d401\U0001d402 \U0001d538\U0001d553 \u210e \u2102\u2115\u2124\u211a",
    "...!!!???,,,;;;:::---___***",
    "!!!!!!!!!!!!!!!!!!!! ?!?!?! ....... \u2026\u2026",
    "don't can't won't it's I'm we're they've y'all o'clock rock'n'roll",
    "don\u2019t can\u2019t it\u2019s \u2018quoted\u2019 \u201cdouble\u201d",
    "(parenthetical) [bracketed] {braced} <angled>",
    "\u060c \u061f \u0589 \u055e \u0964 \u0e2f \u05be \u05c3 \u066a \u2e2e \ufe10 \ufe50 \U0001e95e",
    "a\u2010b a\u2011b a\u2012b a\u2013b a\u2014b a\u2015b a\u2212b a\u2043b",
    "\u0021\u00a1\u2762\u2763\u2e18",
]
WEB = [
    "https://www.example.com/path/to/page?query=1&lang=en#section-2",
    "Visit http://example.org:8080/index.html or ftp://files.example.net/pub/file.tar.gz",
    "user.name+tag@example.co.uk, first_last@sub.domain.org",
    "Email me at john.doe@gmail.com!",
    "/usr/local/bin/python3 C:\\Users\\Admin\\Documents\\file.txt ~/.bashrc ./a/b/../c",
    "#hashtag #MachineLearning #\u4e2d\u6587 @mention @user_name123 @\u00e9lodie",
    "def f(x): return x**2 + 3*x - 1  # comment",
    "for (int i = 0; i < n; ++i) { a[i] = b[i] * c; }",
    "if (x != null && y >= 10 || z == 'abc') { console.log(`value: ${x}`); }",
    "SELECT * FROM users WHERE id = 42 AND name LIKE '%smith%';",
    "<div class=\"main\"><p>Hello &amp; welcome</p></div>",
    "{\"key\": \"value\", \"list\": [1, 2, 3], \"nested\": {\"a\": null}}",
    "1,234.56 3.14e-10 10% -0.5 +7 1/2 3:45 2^10 0xFF 0b1010 1e+308",
    "$1,000,000.00 \u20ac1.234,56 1 234 567 \u00a312.50/hr",
    "2024-01-15 15/01/2024 01.15.2024 Jan 15th, 2024 14:30:00 2:30pm 23:59:59.999Z",
    "Call +1 (555) 123-4567 or 555.123.4567 ext. 89",
    "ISBN 978-3-16-148410-0, DOI 10.1000/xyz123, v1.2.3-beta+build.5",
    "COVID-19 x86_64 2nd 3rd 4th 21st abc123 123abc a1b2c3 IPv4 192.168.0.1 ::1",
    "user@localhost:~$ sudo apt-get install -y python3-pip && pip install torch==2.1.0",
    "https://ja.wikipedia.org/wiki/\u6771\u4eac https://de.wikipedia.org/wiki/M%C3%BCnchen",
    "snake_case_name camelCaseName PascalCaseName kebab-case-name SCREAMING_CASE",
    "a.b.c.d e-f-g h_i_j k/l/m n\\o\\p q|r|s",
]
SPECIAL = [
    "[CLS]", "[SEP]", "[MASK]", "[PAD]", "[UNK]",
    "[CLS] hello world [SEP]",
    "[CLS] the first [SEP] the second [SEP]",
    "foo[MASK]bar", "The capital of France is [MASK].",
    "[MASK][MASK][MASK]", "[MASK] [MASK]  [MASK]",
    "[mask] [Mask] [cls] [sep] [pad] [unk]",
    "[MASK", "MASK]", "[MASK]]", "[[MASK]]", "[[[CLS]]]",
    "[ MASK ]", "[MASK]'s", "[MASK].", "[UNK]ed un[UNK]", "[PAD][PAD]pad",
    "\uff3b\uff2d\uff21\uff33\uff2b\uff3d", "[unused0] [unused1] [unused99]",
    "[MASK]\u0301 \u0301[MASK] e\u0301[MASK]",
    "\u200b[MASK]\u200b [MASK]\x00 \x00[CLS]",
    "\u00a0[MASK]\u00a0 \u3000[SEP]\u3000 \t[CLS]\t",
    "\u4e2d[MASK]\u6587 \U0001f600[MASK]\U0001f600",
    "\u03a3[MASK]\u03a3 \u0391\u03a3[SEP]",
    "[CLS][SEP][PAD][UNK][MASK]",
    "[SEP.] [.SEP] [SEP]. .[SEP]",
    "<s> </s> <mask> <pad> <unk> [BOS] [EOS]",
    "##ing ##s ## #",
]
MIXED = [
    "na\u00efvet\u00e9\u6771\u4eaccaf\u00e9",
    "caf\u00e9\u4e2d\u0391\u03a3\u0441\u043b\u043e\u0432\u043e\u05e9\u05dc\u05d5\u05ddhello",
    "abc\u0430\u0431\u0432abc",  # Latin + Cyrillic in one word
    "\u0391lpha \u0392eta",  # Greek capitals that look Latin
    "\U0001f600caf\u00e9\U0001f600na\u00efve",
    "X\u00c6A-12 \u00e9\u00e8\u00ea\u4e2d\u6587\u00e0\u00e0",
    "\u30b3\u30f3\u30d4\u30e5\u30fc\u30bfcomputer\ucef4\ud4e8\ud130\u8ba1\u7b97\u673a",
    "r\u00e9sum\u00e9\u2014na\u00efve\u2026\u00fcber",
    "\u0130stanbul\u2019da \u00dcsk\u00fcdar\u2019a",
    "\u0928\u092e\u0938\u094d\u0924\u0947world\u0645\u0631\u062d\u0628\u0627",
]

# Characters on which Python's Unicode 14 tables and the (older) tables of the
# Rust tokenizers disagree, found by sweeping all code points: punctuation,
# format and nonspacing-mark characters added in Unicode 10-14, characters
# whose category changed (U+166D Po->So, U+1734 Mn->Mc), CJK Ext E
# U+2B820-U+2B91F (the Rust CJK range starts at U+2B920), and NFC singletons.
UNICODE_EDGES = [
    "x\u2e43y x\u2e4fy x\u2e52y x\u2e5dy x\u061dy x\u09fdy x\U00010eady x\U0001e95ey",
    "x\u0890y x\u08e2y x\U000110cdy x\U00013430y x\u0898y x\u08cay x\u07fdy",
    "x\u166dy x\u1734y x\U00011938y \u1734 \u166d",
    "x\U0002b820y x\U0002b91fy x\U0002b920y \U0002b820\U0002b8ff",
    "x\u2329y\u232a x\u2adcy x\U0001d15ey x\u0374y x\u1f71y x\u1fbey x\u0340y x\u0344y",
    "x\u0307y x\u0308y X\u0307 \u1fee \u1fef \u1ffd \u0f73 \u0f75",
]


def long_word_cases():
    out = []
    add = out.append
    for n in (99, 100, 101):
        add("a" * n)
        add("1" * n)
        add("ab" * (n // 2) + ("c" if n % 2 else ""))
    add("unaffable" * 11)  # 99
    add("unaffable" * 11 + "s")  # 100
    add("unaffable" * 11 + "ss")  # 101
    add("the" * 33 + "a")  # 100, valid subwords
    add("the" * 33 + "ab")  # 101
    add("the" * 34)  # 102
    add("unbelievable" * 8 + "ness")  # 100
    add("international" * 7 + "ization")  # 98
    add("1234567890" * 10)
    add("1234567890" * 10 + "1")
    add("x" * 100 + "!")
    add("!" + "x" * 100)
    add("x" * 100 + " " + "y" * 101 + " " + "z" * 99)
    add("\u00e9" * 100)
    add("\u00e9" * 101)
    add("e\u0301" * 50)  # 100 code points, 50 after NFC
    add("e\u0301" * 51)  # 102 code points, 51 after NFC
    add("e\u0301" * 100)
    add("\u0130" * 51)  # lower() gives 102 code points
    add("\u0130" * 100)
    add("\u00df" * 101)
    add("\u1e9e" * 60)
    add("a" * 50 + "\u200b" + "a" * 50)  # 101 raw, 100 after cleaning
    add("a" * 50 + "\u200b" + "a" * 51)
    add("a" * 99 + "\u00ad" + "a")
    add("a" * 99 + "\x00" + "aa")
    add("a" * 60 + "-" + "b" * 60)
    add("\u4e2d" * 120)
    add("\ufb01" * 100)
    add("\u0430" * 101)
    add("a\u0301" * 50 + "b")
    add("A\u030a" * 50)
    add("\u212b" * 101)
    add("\U0001f600" * 101)
    add("hahahahahahahahahahahahahahaha")
    add("zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz")
    add("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")
    add("Supercalifragilisticexpialidocious antidisestablishmentarianism")
    add("pneumonoultramicroscopicsilicovolcanoconiosis Llanfairpwllgwyngyllgogerychwyrndrobwllllantysiliogogogoch")
    add("Donaudampfschifffahrtselektrizit\u00e4tenhauptbetriebswerkbauunterbeamtengesellschaft")
    add("ooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooooo")
    return out


def all_handwritten():
    groups = [
        ("greek", GREEK), ("latin_special", TURKISH_GERMAN), ("accents", ACCENTS),
        ("scripts", SCRIPTS), ("cjk", CJK), ("emoji", EMOJI), ("newer_unicode", NEWER_LINES),
        ("controls", CONTROLS), ("whitespace", WHITESPACE), ("punct", PUNCT), ("web", WEB),
        ("special", SPECIAL), ("mixed", MIXED), ("unicode_edges", UNICODE_EDGES), ("long_words", long_word_cases()),
    ]
    out = []
    for g, lines in groups:
        for t in lines:
            out.append((g, t))
    # Single characters: each ASCII punctuation, Unicode punctuation, symbol.
    for ch in ASCII_PUNCT_LIST + UNICODE_PUNCT + SYMBOLS:
        out.append(("single_char", ch))
    return out


# ---------------------------------------------------------------------------
# The novel.
# ---------------------------------------------------------------------------


def novel_cases(rng):
    with open(NOVEL, "rb") as f:
        raw = f.read().decode("utf-8")
    lines = raw.split("\r\n")
    lines = [l.replace("\r", "").replace("\n", "") for l in lines]
    nonempty = [l for l in lines if l.strip()]
    paras, cur = [], []
    for l in lines:
        if l.strip():
            cur.append(l.strip())
        elif cur:
            paras.append(" ".join(cur))
            cur = []
    if cur:
        paras.append(" ".join(cur))
    out = []
    picks = sorted(rng.sample(range(len(nonempty)), 266))
    out += [("novel", nonempty[i]) for i in picks]
    # Paragraphs: the 4 longest (about 2.7k-3.6k characters) and 20 random ones
    # of at least 3 lines.
    by_len = sorted(range(len(paras)), key=lambda i: (-len(paras[i]), i))
    longest = sorted(by_len[:4])
    multi = [i for i in range(len(paras)) if paras[i].count(" ") > 30 and i not in longest]
    rand_paras = sorted(rng.sample(multi, 20))
    out += [("novel_paragraph", paras[i]) for i in sorted(longest + rand_paras)]
    # Shouting / title-cased / accented variants of some lines (cased vocab,
    # ß/final-sigma-free but case-mapping heavy).
    for i in sorted(rng.sample(range(len(nonempty)), 10)):
        out.append(("novel_variant", nonempty[i].upper()))
    for i in sorted(rng.sample(range(len(nonempty)), 5)):
        out.append(("novel_variant", nonempty[i].title()))
    return out, nonempty


# ---------------------------------------------------------------------------
# Random combinations of atoms and random code point strings.
# ---------------------------------------------------------------------------

ATOMS = {
    "word": ["hello", "world", "the", "unaffable", "running", "Elizabeth", "Darcy", "don't",
             "GPT", "iPhone", "McDonald's", "e-mail", "co-operate", "x", "I", "a"],
    "accent": ["caf\u00e9", "cafe\u0301", "na\u00efve", "nai\u0308ve", "\u00c9COLE", "E\u0301COLE",
               "a\u0323\u0301", "a\u0301\u0323", "Vi\u1ec7t", "Vie\u0323\u0302t", "\u00fcber",
               "u\u0308ber", "\u0301x", "Stra\u00dfe", "\u1e9e", "\u0130stanbul", "\u0131",
               "\u01c5", "\ufb01", "\u212b", "\u2126", "\u212a", "\uff21\uff11", "\u00b2", "\u2460",
               "\u216b", "\u0149", "\u0390"],
    "greek": ["\u03a3\u0391\u03a3", "\u03a3", "\u0391\u03a3.", "\u1f48\u0394\u03a5\u03a3\u03a3\u0395\u038e\u03a3",
              "\u03a3\u039f\u03a6\u039f\u03a3", "1\u03a3", "'\u03a3", "\u0391\u03a3'", "\u03c3\u03bf\u03c6\u03cc\u03c2"],
    "script": ["\u041f\u0440\u0438\u0432\u0435\u0442", "\u0439", "\u0438\u0306", "\u0562\u0561\u0580\u0565\u0582",
               "\u10d2\u10d0\u10db\u10d0\u10e0\u10ef\u10dd\u10d1\u10d0", "\u1c92\u1c90",
               "\u05e9\u05c1\u05b8\u05dc\u05d5\u05b9\u05dd", "\u05e9\u05b8\u05c1",
               "\u0627\u0644\u0639\u064e\u0631\u064e\u0628\u0650\u064a\u0651\u064e\u0629",
               "\u0928\u092e\u0938\u094d\u0924\u0947", "\u0958", "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35",
               "\uc548\ub155", "\u1100\u1161\u11a8", "\u3053\u3093\u306b\u3061\u306f", "\u304b\u3099",
               "\uff76\uff80\uff76\uff85"],
    "cjk": ["\u4e2d\u6587", "\u5317\u4eac", "\u3400", "\U00020000", "\U0002b820", "\U0002ceb0",
            "\U00030000", "\uf900", "\ufa0e", "\U0002f800", "\u2f00", "\u3005", "\u3007", "\u9fff"],
    "emoji": ["\U0001f600", "\U0001f44d\U0001f3fd", "\U0001f468\u200d\U0001f469\u200d\U0001f467",
              "\U0001f1ef\U0001f1f5", "1\ufe0f\u20e3", "\u2764\ufe0f", "\U0001fae0", "\U0001f3fd",
              "\U0001f3f3\ufe0f\u200d\U0001f308"],
    "control": ["\x00", "\x01", "\x07", "\x1b", "\x7f", "\x85", "\x0b", "\x0c", "\x1c", "\x1f",
                "\ufffd", "\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\u200e", "\u202e",
                "\ue000", "\u0378", "\U00050000", "\u2060"],
    "space": [" ", "  ", "\t", "\r\n", "\n", "\u00a0", "\u2003", "\u3000", "\u1680", "\u2028",
              "\u2029", "\u202f", "\u205f", "\u200a"],
    "punct": ASCII_PUNCT_LIST + UNICODE_PUNCT,
    "symbol": SYMBOLS,
    "special": ["[CLS]", "[SEP]", "[MASK]", "[PAD]", "[UNK]", "[mask]", "[MASK", "[[MASK]]", "MASK]"],
    "number": ["1,234.56", "3.14e-10", "10%", "2024-01-15", "14:30", "+1-555-0100", "0xFF", "42",
               "\uff11\uff12\uff13", "\u0661\u0662", "\u0e51\u0e52", "\u00bd", "\u2153"],
    "web": ["https://example.com/a?b=c", "john@example.com", "/usr/bin/env", "#tag", "@user",
            "C:\\dir\\f.txt", "x_y_z", "a.b()", "foo->bar", "i++"],
}
ATOM_KINDS = list(ATOMS)
SEPARATORS = [" "] * 8 + ["", "", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u200b", "-", "/",
                          ",", "\x00", "\u2028", "'", "."]


def combo_cases(rng, n):
    out = []
    for _ in range(n):
        k = rng.randint(2, 8)
        parts = []
        for _ in range(k):
            kind = rng.choice(ATOM_KINDS)
            parts.append(rng.choice(ATOMS[kind]))
        s = parts[0]
        for p in parts[1:]:
            s += rng.choice(SEPARATORS) + p
        r = rng.random()
        if r < 0.08:
            s = s.upper()
        elif r < 0.12:
            s = s.lower()
        out.append(("combo", s))
    return out


def _r(a, b):
    return [chr(c) for c in range(a, b + 1)]


def build_pool():
    """Weighted pool of code points across all categories (category, weight, chars)."""
    cats = [
        ("ascii_lower", 20, _r(0x61, 0x7A)),
        ("ascii_upper", 7, _r(0x41, 0x5A)),
        ("digits", 4, _r(0x30, 0x39)),
        ("space", 14, [" "]),
        ("ascii_punct", 7, ASCII_PUNCT_LIST),
        ("latin1_letters", 5, [c for c in _r(0xC0, 0xFF) if c not in "\u00d7\u00f7"]),
        ("latin_ext", 3, _r(0x100, 0x17F) + _r(0x1C4, 0x1CC) + _r(0x1EA0, 0x1EF9) + ["\u1e9e", "\u0130", "\u0131"]),
        ("combining", 5, _r(0x300, 0x36F) + ["\u20dd", "\u20e3", "\u0489"]),
        ("greek", 4, [c for c in _r(0x391, 0x3A9) if c != "\u03a2"] + _r(0x3B1, 0x3C9) + ["\u03c2", "\u1f48", "\u038e", "\u0390", "\u1fb3", "\u037e", "\u0387"]),
        ("cyrillic", 3, _r(0x410, 0x44F) + ["\u0401", "\u0451", "\u0419", "\u0439"]),
        ("armenian", 1, _r(0x531, 0x556) + _r(0x561, 0x587) + ["\u0589", "\u055e"]),
        ("georgian", 1, _r(0x10D0, 0x10FA) + _r(0x1C90, 0x1CBA)),
        ("hebrew", 2, _r(0x5D0, 0x5EA) + _r(0x5B0, 0x5BD) + ["\u05c1", "\u05c2", "\u05be", "\u05c3"]),
        ("arabic", 2, _r(0x621, 0x64A) + _r(0x64B, 0x652) + ["\u0640", "\u060c", "\u061f", "\u0661", "\ufefb"]),
        ("devanagari", 2, _r(0x905, 0x939) + _r(0x93E, 0x94D) + ["\u0901", "\u0902", "\u0903", "\u093c", "\u0958", "\u0964"]),
        ("thai", 2, _r(0xE01, 0xE2E) + _r(0xE30, 0xE3A) + _r(0xE40, 0xE4E) + ["\u0e51"]),
        ("cjk", 4, [chr(c) for c in (0x4E00, 0x4E2D, 0x6587, 0x5317, 0x4EAC, 0x6211, 0x7231, 0x4EBA, 0x5927, 0x5C0F, 0x9F98, 0x9FA5, 0x9FFF)]),
        ("cjk_ext", 1, ["\u3400", "\u4db5", "\U00020000", "\U0002a6a5", "\U0002a700", "\U0002b740", "\U0002b820", "\U0002ceb0", "\U00030000"]),
        ("cjk_compat", 1, ["\uf900", "\uf901", "\uf9ff", "\ufa0e", "\ufa10", "\ufa70", "\U0002f800", "\U0002f801", "\U0002fa1d", "\u2f00"]),
        ("kana", 2, _r(0x3041, 0x3096) + _r(0x30A1, 0x30FA) + ["\u30fc", "\u3099", "\u309a", "\u3005", "\uff76", "\uff9e"]),
        ("hangul", 2, [chr(c) for c in (0xAC00, 0xAC01, 0xB155, 0xC548, 0xD55C, 0xAD6D, 0xD7A3)] + _r(0x3131, 0x3136)),
        ("jamo", 2, _r(0x1100, 0x1112) + _r(0x1161, 0x1175) + _r(0x11A8, 0x11C2)),
        ("emoji", 3, [chr(c) for c in (0x1F600, 0x1F602, 0x1F44D, 0x1F468, 0x1F469, 0x1F467, 0x1F308, 0x1F525, 0x2764, 0x263A, 0x1F3F3, 0x1FAE0, 0x1F972, 0x1F004)]),
        ("emoji_mod", 2, _r(0x1F3FB, 0x1F3FF) + ["\u200d", "\ufe0f", "\ufe0e", "\u20e3"] + _r(0x1F1E6, 0x1F1FF)[:6]),
        ("controls", 3, [chr(c) for c in (0, 1, 7, 8, 0x0B, 0x0C, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F, 0x7F, 0x80, 0x85, 0x9F)]),
        ("format", 2, ["\u200b", "\u200c", "\u200d", "\ufeff", "\u00ad", "\u200e", "\u200f", "\u202e", "\u2060", "\u180e", "\u0600", "\U000e0001", "\U0001d173"]),
        ("odd", 1, ["\ufffd", "\ue000", "\U000f0000", "\u0378", "\U00050000", "\uffff", "\ufdd0"]),
        ("uspace", 3, ["\t", "\n", "\r", "\u00a0", "\u1680", "\u2000", "\u2003", "\u2009", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f", "\u3000"]),
        ("upunct", 3, UNICODE_PUNCT),
        ("symbols", 3, SYMBOLS),
        ("fullwidth", 2, _r(0xFF10, 0xFF19) + _r(0xFF21, 0xFF3A) + _r(0xFF41, 0xFF5A) + ["\uff01", "\uff1f"]),
        ("compat", 2, ["\ufb00", "\ufb01", "\ufb02", "\u212b", "\u2126", "\u212a", "\u00b2", "\u00b3", "\u2082", "\u2460", "\u2473", "\u216b", "\u217b", "\u00bd", "\u01c4", "\u01c5", "\u01c6", "\u0149", "\u00df", "\u00b5", "\u2116"]),
        ("newer", 0.35, NEWER_CHARS),
    ]
    return cats


def random_cases(rng, n):
    cats = build_pool()
    weights = [w for _, w, _ in cats]
    out = []
    for _ in range(n):
        length = rng.randint(1, 80)
        chars = []
        for _ in range(length):
            _, _, pool = rng.choices(cats, weights=weights, k=1)[0]
            chars.append(rng.choice(pool))
        out.append(("random", "".join(chars)))
    return out


def build_lines():
    rng = random.Random(SEED)
    novel, _ = novel_cases(rng)
    lines = novel + all_handwritten() + combo_cases(rng, 300) + random_cases(rng, 330)
    seen = set()
    out = []
    for g, t in lines:
        if t in seen:
            continue
        seen.add(t)
        out.append((g, t))
    return out


# ---------------------------------------------------------------------------
# Content categories (for the metadata / report).
# ---------------------------------------------------------------------------


def _is_chinese(cp):
    return (0x4E00 <= cp <= 0x9FFF or 0x3400 <= cp <= 0x4DBF or 0x20000 <= cp <= 0x2A6DF
            or 0x2A700 <= cp <= 0x2B73F or 0x2B740 <= cp <= 0x2B81F or 0x2B820 <= cp <= 0x2CEAF
            or 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F)


SPECIAL_TOKENS = ["[CLS]", "[SEP]", "[MASK]", "[PAD]", "[UNK]"]


def categories_of(text):
    cats = set()
    if text.isascii():
        cats.add("ascii_only")
    if not text.strip() or all(unicodedata.category(c)[0] in "CZ" or c.isspace() for c in text):
        cats.add("empty_or_blank")
    if unicodedata.normalize("NFC", text) != text:
        cats.add("changes_under_nfc")
    if text.lower() != "".join(c.lower() for c in text):
        cats.add("context_sensitive_lower")
    if any(len(w) >= 100 for w in text.split()):
        cats.add("word_100plus_chars")
    if any(t in text for t in SPECIAL_TOKENS):
        cats.add("special_token_literal")
    low = text.lower()
    if any(t.lower() in low for t in SPECIAL_TOKENS) and not any(t in text for t in SPECIAL_TOKENS):
        cats.add("special_token_lookalike")
    if regex.search(r"https?://|ftp://|\w@\w|\.com|\.org", text):
        cats.add("url_or_email")
    for ch in text:
        cp = ord(ch)
        cat = unicodedata.category(ch)
        if is_newer_unicode(ch):
            cats.add("newer_unicode")
        if cp == 0:
            cats.add("nul")
        if cp == 0xFFFD:
            cats.add("fffd")
        if cat == "Cc" and ch not in "\t\n\r":
            cats.add("control_cc")
        if ch in "\t\n\r":
            cats.add("tab_cr_lf")
        if cat == "Cf":
            cats.add("format_cf")
        if cat == "Co":
            cats.add("private_use")
        if cat == "Cn":
            cats.add("unassigned_in_python_unicode")
        if cat in ("Zs", "Zl", "Zp") and ch != " ":
            cats.add("unicode_whitespace")
        if cat == "Mn":
            cats.add("mark_mn")
        if cat == "Mc":
            cats.add("mark_mc")
        if cat == "Me":
            cats.add("mark_me")
        if cp < 128 and ch in ASCII_PUNCT:
            cats.add("ascii_punct")
        if cp >= 128 and cat.startswith("P"):
            cats.add("unicode_punct")
        if cp >= 128 and cat.startswith("S"):
            cats.add("unicode_symbol")
        if cat == "Nd":
            cats.add("digit")
        if cat in ("No", "Nl"):
            cats.add("other_number")
        if _is_chinese(cp):
            cats.add("cjk_bert_range")
            if 0xF900 <= cp <= 0xFAFF or 0x2F800 <= cp <= 0x2FA1F:
                cats.add("cjk_compat_ideograph")
            if cp >= 0x20000 or 0x3400 <= cp <= 0x4DBF:
                cats.add("cjk_ext_a_b_plus")
        elif "CJK" in unicodedata.name(ch, "") or 0x2CEB0 <= cp <= 0x3134F:
            cats.add("cjk_outside_bert_range")
        if 0x3040 <= cp <= 0x30FF or 0xFF65 <= cp <= 0xFF9F:
            cats.add("kana")
        if 0xAC00 <= cp <= 0xD7A3 or 0x3131 <= cp <= 0x318E:
            cats.add("hangul_syllable")
        if 0x1100 <= cp <= 0x11FF:
            cats.add("conjoining_jamo")
        if 0x0E00 <= cp <= 0x0E7F:
            cats.add("thai")
        if 0x0600 <= cp <= 0x06FF or 0xFB50 <= cp <= 0xFEFF and cp != 0xFEFF:
            cats.add("arabic")
        if 0x0590 <= cp <= 0x05FF:
            cats.add("hebrew")
        if 0x0900 <= cp <= 0x097F:
            cats.add("devanagari")
        if 0x0400 <= cp <= 0x04FF:
            cats.add("cyrillic")
        if 0x0370 <= cp <= 0x03FF or 0x1F00 <= cp <= 0x1FFF:
            cats.add("greek")
        if cp in (0x3A3, 0x3C2):
            cats.add("sigma")
        if 0x0530 <= cp <= 0x058F:
            cats.add("armenian")
        if 0x10A0 <= cp <= 0x10FF or 0x1C90 <= cp <= 0x1CBF:
            cats.add("georgian")
        if 0x00C0 <= cp <= 0x024F or 0x1E00 <= cp <= 0x1EFF:
            cats.add("latin_accented_or_extended")
        if cp in (0xDF, 0x1E9E, 0x130, 0x131):
            cats.add("sharp_s_or_turkish_i")
        if 0xFB00 <= cp <= 0xFB06 or cp in (0x212B, 0x2126, 0x212A) or 0x1C4 <= cp <= 0x1CC or 0x1F1 <= cp <= 0x1F3:
            cats.add("ligature_or_singleton_compat")
        if 0xFF01 <= cp <= 0xFF5E:
            cats.add("fullwidth")
        if 0x1F000 <= cp <= 0x1FAFF or 0x2600 <= cp <= 0x27BF:
            cats.add("emoji")
        if 0x1F3FB <= cp <= 0x1F3FF:
            cats.add("emoji_skin_tone")
        if cp == 0x200D:
            cats.add("zwj")
        if cp in (0xFE0F, 0xFE0E):
            cats.add("variation_selector")
        if 0x1F1E6 <= cp <= 0x1F1FF:
            cats.add("regional_indicator")
        if cp == 0x20E3:
            cats.add("keycap")
    return sorted(cats)


# ---------------------------------------------------------------------------
# Tokenizers.
# ---------------------------------------------------------------------------


def make_slow(path, lower):
    tok = BertTokenizerLegacy(vocab_file=path, do_lower_case=lower, tokenize_chinese_chars=True,
                              strip_accents=None)
    assert not tok.is_fast
    return tok


def make_fast(path, lower):
    # transformers 5.x: BertTokenizer is the tokenizers-backed class; its
    # `vocab` argument takes the vocabulary (a `vocab_file=` keyword is
    # silently ignored and leaves a 5-token vocabulary!).
    from transformers.models.bert.tokenization_bert import load_vocab

    tok = transformers.BertTokenizer(vocab=load_vocab(path), do_lower_case=lower,
                                     tokenize_chinese_chars=True, strip_accents=None)
    assert tok.is_fast
    assert len(tok.get_vocab()) >= 28996, "fast tokenizer did not load the vocabulary"
    return tok


def make_raw_fast(path, lower):
    return tokenizers.BertWordPieceTokenizer(path, lowercase=lower, clean_text=True,
                                             handle_chinese_chars=True, strip_accents=None)


def dump(obj):
    return json.dumps(obj, ensure_ascii=True, sort_keys=True)


def main():
    transformers.logging.set_verbosity_error()  # the pair truncation warnings are noise
    os.makedirs(OUT_DIR, exist_ok=True)
    lines = build_lines()
    assert len(lines) >= 1200, len(lines)
    for _, t in lines:
        for ch in t:
            # Every unassigned code point used must be either known-newer or a
            # permanently/long unassigned one (so newer_unicode is complete).
            if unicodedata.category(ch) == "Cn" and not is_newer_unicode(ch):
                assert ord(ch) in (0x378, 0x379, 0x50000, 0xFFFF, 0xFDD0, 0x10FFFF, 0xE0000, 0xFA6E), hex(ord(ch))
            if is_newer_unicode(ch):
                assert ord(ch) in NEWER, hex(ord(ch))

    meta = {
        "seed": SEED,
        "python_version": sys.version.split()[0],
        "unicodedata_version": unicodedata.unidata_version,
        "transformers_version": transformers.__version__,
        "tokenizers_version": tokenizers.__version__,
        "regex_version": regex.__version__,
        "newer_unicode_detection": ("code point is Cn in Python's unicodedata but assigned in the "
                                    "`regex` module's Unicode database"),
        "newer_unicode_code_points": {"U+%04X" % k: v for k, v in sorted(NEWER.items())},
        "slow_tokenizer": "transformers.models.bert.tokenization_bert_legacy.BertTokenizerLegacy",
        "fast_tokenizer": "transformers.BertTokenizer(vocab=load_vocab(path)) (tokenizers-backed)",
        "tokenizer_options": {"tokenize_chinese_chars": True, "strip_accents": None,
                              "max_input_chars_per_word": 100, "unk_token": "[UNK]"},
        "offsets": "fast_offsets are [start, end) Unicode code point indices into text",
        "line_count": len(lines),
        "group_counts": dict(sorted(collections.Counter(g for g, _ in lines).items())),
        "category_counts": dict(sorted(collections.Counter(
            c for _, t in lines for c in categories_of(t)).items())),
        "vocabs": {},
    }

    slow_toks = {}
    for name, fname, lower in VOCABS:
        path = os.path.join(VOCAB_DIR, fname)
        slow = make_slow(path, lower)
        fast = make_fast(path, lower)
        raw_fast = make_raw_fast(path, lower)
        slow_toks[name] = slow
        n_mismatch = 0
        n_mismatch_newer = 0
        n_backend_disagree = 0
        n_unk = 0
        out_path = os.path.join(OUT_DIR, name + ".jsonl")
        with open(out_path, "w", encoding="ascii", newline="\n") as f:
            for group, text in lines:
                tokens = slow.tokenize(text)
                ids = slow.convert_tokens_to_ids(tokens)
                enc = fast(text, add_special_tokens=False, return_offsets_mapping=True)
                fast_ids = list(enc["input_ids"])
                offsets = [[int(s), int(e)] for s, e in enc["offset_mapping"]]
                raw = raw_fast.encode(text, add_special_tokens=False)
                if list(raw.ids) != fast_ids:
                    n_backend_disagree += 1
                newer = any(is_newer_unicode(c) for c in text)
                match = fast_ids == ids
                if not match:
                    n_mismatch += 1
                    n_mismatch_newer += newer
                n_unk += ids.count(slow.unk_token_id)
                rec = {"text": text, "group": group, "ids": ids, "tokens": tokens,
                       "fast_ids": fast_ids, "fast_offsets": offsets, "fast_matches": match,
                       "newer_unicode": newer}
                f.write(dump(rec) + "\n")
        meta["vocabs"][name] = {
            "vocab_file": fname,
            "vocab_size": len(slow.vocab),
            "do_lower_case": lower,
            "file": name + ".jsonl",
            "lines": len(lines),
            "fast_slow_disagree": n_mismatch,
            "fast_slow_disagree_newer_unicode": n_mismatch_newer,
            "transformers_fast_vs_tokenizers_BertWordPieceTokenizer_disagree": n_backend_disagree,
            "unk_tokens_total": n_unk,
            "special_token_ids": {t: slow.convert_tokens_to_ids(t) for t in SPECIAL_TOKENS},
        }

    # ------------------------------------------------------------------ pairs
    slow = slow_toks["uncased"]
    texts = {
        "short": "Hello world!",
        "one": "Yes.",
        "empty": "",
        "medium": "It is a truth universally acknowledged, that a single man in possession of a good fortune.",
        "long": ("However little known the feelings or views of such a man may be on his first entering a "
                 "neighbourhood, this truth is so well fixed in the minds of the surrounding families."),
        "unicode": "Caf\u00e9 \u6771\u4eac \u03a3\u0391\u03a3 \U0001f600 na\u00efve [MASK] ok",
        "question": "Who is the author of Pride and Prejudice?",
        "special": "[CLS] a [SEP] b [MASK]",
    }
    pair_specs = [
        ("short", "medium"), ("medium", "short"), ("long", "medium"), ("medium", "long"),
        ("one", "long"), ("long", "one"), ("question", "long"), ("unicode", "question"),
        ("special", "short"), ("empty", "medium"), ("medium", "empty"),
    ]
    strategies = ["longest_first", "only_first", "only_second"]
    max_lengths = [8, 16, 24, 40]
    cases = []
    for a, b in pair_specs:
        for ml in max_lengths:
            for st in strategies:
                cases.append((a, b, ml, st))
    prng = random.Random(SEED + 1)
    cases = sorted(prng.sample(cases, 40), key=lambda c: cases.index(c))
    # Always include a few specific edge cases and no-truncation ones.
    cases += [("one", "long", 8, "only_first"), ("long", "one", 8, "only_second"),
              ("long", "long", 3, "longest_first"), ("one", "one", 5, "longest_first"),
              ("medium", "long", 31, "longest_first"), ("medium", "long", 32, "longest_first")]
    cases += [(a, b, None, None) for a, b in [("short", "medium"), ("unicode", "question"),
                                              ("empty", "empty"), ("special", "special")]]
    seen = set()
    pairs_path = os.path.join(OUT_DIR, "pairs.jsonl")
    fast_u = make_fast(os.path.join(VOCAB_DIR, VOCABS[0][1]), VOCABS[0][2])
    n_pairs = n_pair_errors = n_fast_differs = n_over = 0
    with open(pairs_path, "w", encoding="ascii", newline="\n") as f:
        for a, b, ml, st in cases:
            if (a, b, ml, st) in seen:
                continue
            seen.add((a, b, ml, st))
            rec = {"text_a": texts[a], "text_b": texts[b], "max_length": ml,
                   "truncation": st if st is not None else False}
            kwargs = {"return_token_type_ids": True}
            if st is not None:
                kwargs.update(truncation=st, max_length=ml)
            # Slow (reference). The legacy class does not list token_type_ids
            # in model_input_names, so they must be requested explicitly.
            try:
                enc = slow(texts[a], texts[b], **kwargs)
                rec["input_ids"] = list(enc["input_ids"])
                rec["token_type_ids"] = list(enc["token_type_ids"])
                rec["error"] = None
                if ml is not None and len(enc["input_ids"]) > ml:
                    n_over += 1
            except Exception as e:  # record that HF raised
                rec["input_ids"] = rec["token_type_ids"] = None
                rec["error"] = "%s: %s" % (type(e).__name__, e)
                n_pair_errors += 1
            # Fast (informational).
            try:
                enc = fast_u(texts[a], texts[b], **kwargs)
                rec["fast_input_ids"] = list(enc["input_ids"])
                rec["fast_token_type_ids"] = list(enc["token_type_ids"])
                rec["fast_error"] = None
            except Exception as e:
                rec["fast_input_ids"] = rec["fast_token_type_ids"] = None
                rec["fast_error"] = "%s: %s" % (type(e).__name__, e)
            if (rec["fast_input_ids"], rec["fast_token_type_ids"]) != (rec["input_ids"], rec["token_type_ids"]):
                n_fast_differs += 1
            n_pairs += 1
            f.write(dump(rec) + "\n")
    meta["pairs"] = {"file": "pairs.jsonl", "vocab": "uncased", "count": n_pairs,
                     "raised": n_pair_errors, "longer_than_max_length": n_over,
                     "fast_differs": n_fast_differs,
                     "call": "tok(text_a, text_b, truncation=truncation, max_length=max_length, "
                             "return_token_type_ids=True); truncation false: no truncation/max_length "
                             "arguments. fast_* fields: the fast tokenizer, informational"}

    # ----------------------------------------------------------------- decode
    decode_path = os.path.join(OUT_DIR, "decode.jsonl")
    dec_texts = [
        ("uncased", "Hello, world! It's a test: don't stop. Isn't it?", True),
        ("uncased", "The capital of France is [MASK].", True),
        ("uncased", "They've said we're ready and I'm sure 'quoted' text , here .", False),
        ("uncased", "unaffable running Elizabeth", True),
        ("uncased", "Caf\u00e9 \u6771\u4eac\u90fd \u03a3\u0391\u03a3 \U0001f600 na\u00efve", False),
        ("uncased", "[CLS] a [SEP] b [PAD] c [UNK]", False),
        ("uncased", "a" * 101 + " tail", False),
        ("uncased", "1,234.56 3.14e-10 10% https://example.com/a?b=c", False),
        ("uncased", "", True),
        ("uncased", "\u00bfQu\u00e9? \u00a1Hola! \u201cquoted\u201d \u2014 dash\u2026", False),
        ("cased", "Hello, World! It's Mr. Darcy's estate.", True),
        ("cased", "Stra\u00dfe \u0130stanbul \u00c5ngstr\u00f6m \uac01", False),
        ("cased", "[MASK] is [UNK] ?", True),
    ]
    dec_cases = []
    for vocab, t, with_special in dec_texts:
        tok = slow_toks[vocab]
        ids = tok.convert_tokens_to_ids(tok.tokenize(t))
        if with_special:
            ids = tok.build_inputs_with_special_tokens(ids)
        dec_cases.append((vocab, ids))
    # A few pair encodings, id lists with padding, and hand-made id lists.
    u = slow_toks["uncased"]
    pair_ids = u("Who wrote it?", "Jane Austen wrote it.")["input_ids"]
    dec_cases.append(("uncased", list(pair_ids)))
    dec_cases.append(("uncased", list(pair_ids) + [0, 0, 0]))
    token_lists = [
        ["[CLS]", "[SEP]", "[PAD]"],
        ["[MASK]", "[MASK]", "."],
        ["hello", ",", "world", "!", "it", "'", "s"],
        ["it", "isn", "'", "t", "true", "?", "i", "'", "m", "sure", "they", "'", "ve", "we", "'", "re"],
        ["##ing", "un", "##af", "##fa", "##ble", "##s", "#", "###"],
        ["a", "'", "b", "'", "c", "n", "'", "t"],
        ["σ", "##α", "##ς", "中", "文", "[UNK]", "##ς"],
    ]
    for toks in token_lists:
        for t in toks:
            assert t in u.vocab, t
        dec_cases.append(("uncased", u.convert_tokens_to_ids(toks)))
    n_dec = 0
    with open(decode_path, "w", encoding="ascii", newline="\n") as f:
        for vocab, ids in dec_cases:
            tok = slow_toks[vocab]
            rec = {"vocab": vocab, "ids": ids, "text": tok.decode(ids),
                   "text_skip_special": tok.decode(ids, skip_special_tokens=True),
                   "clean_up_tokenization_spaces": bool(tok.clean_up_tokenization_spaces)}
            f.write(dump(rec) + "\n")
            n_dec += 1
    meta["decode"] = {"file": "decode.jsonl", "count": n_dec,
                      "clean_up_tokenization_spaces": bool(slow_toks["uncased"].clean_up_tokenization_spaces),
                      "call": "tok.decode(ids) and tok.decode(ids, skip_special_tokens=True), slow tokenizer"}

    with open(os.path.join(OUT_DIR, "metadata.json"), "w", encoding="ascii", newline="\n") as f:
        f.write(json.dumps(meta, ensure_ascii=True, sort_keys=True, indent=1) + "\n")

    total = 0
    for fn in sorted(os.listdir(OUT_DIR)):
        size = os.path.getsize(os.path.join(OUT_DIR, fn))
        total += size
        print("%-16s %9d bytes" % (fn, size))
    print("total            %9d bytes" % total)
    for name in meta["vocabs"]:
        v = meta["vocabs"][name]
        print("%s: %d lines, fast/slow disagree on %d (%d with newer Unicode)"
              % (name, v["lines"], v["fast_slow_disagree"], v["fast_slow_disagree_newer_unicode"]))


if __name__ == "__main__":
    main()
