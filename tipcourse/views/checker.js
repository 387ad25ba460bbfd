// The practice questions' checker of the course website: Question.evaluate of the Python engine
// (tipcourse/engine), for the answers the question view sends, so that a static page gives the
// same status, score and message as a notebook's widget, with no Python and no dependency.
//
// check(item, answer, words) takes a question's data (practice_item in views/_practice.py), the
// answer as the view sends it and the catalogue's words the checker uses (checker_words), in the
// page's language. tests/browser/test_checker_parity.py holds it to the engine's results.
//
// Written as an ES module of top-level declarations: site.py bundles it into a classic script by
// dropping the `export ` of each public function.

// -- Python's Unicode facts ---------------------------------------------------------------------

// From Python's unicodedata (tipcourse.views._practice.unicode_tables(); tests/test_practice.py
// checks that they are current): runs of code points as "gap length" pairs in base 36.
const UNIDATA_VERSION = "14.0.0";
const COMBINING_RUNS = "lc 27 1 w 7n 5 7d 19 1 1 1 2 1 2 1 1 20 b 1c l g 1 2t 7 2 6 2 2 1 4 z 1 u r 4g 9 9 1 o 4 1 9 1 3 1 5 17 3 1o 8 16 o 1 t 1o 1 g 1 3 4 2v 1 g 1 1c 1 1p 1 g 1 32 1 g 1 32 1 g 1 3j 1 32 1 g 1 7 2 2t 1 g 1 31 2 g 1 3g 1 31 3 d 4 30 3 d 4 24 2 r 1 1 1 1 1 1j 2 1 1 5 4 2 1 1 3 1 2 1q 1 34 1 1 2 2a 1 jz 3 qc 2 u 1 4d 1 a 1 5n 1 3z 3 63 2 1z 1 k 8 2 1 1c e 1 g 2t 1 f 1 12 9 1i 2 1m 1 b 2 1v 1 48 3 1 d 1 7 4 1 6 1 3 2 5i 1s k0 d 4 1 3 c 2da 3 3x 1 2o w fe 6 2x 2 n9w 1 4 a w 2 28 2 7o 1 11 1 47 1 r i 1l 3 11 1 2n 1 c 1 6n 1 1 3 2 2 5 2 1 1 1g 1 6u 1 fn4 1 ld g r1 1 6a 1 45 5 1aq 1 1 1 14 3 4 1 4l 2 fx 4 ar 2 49 b 1d 4 5c 1 15 1 e 1 1l 2 1x 3 1c 2 1q 1 24 1 9 1 2y 2 4y 2 28 2 g 1 o 7 3 5 5p 1 3 1 n 1 2r 2 6z 2 3i 1 3a 2 37 1 7h 2 76 2 4 1 4c 1 2b 1 i 1 29 1 bp 1 76 1 1 2 29 1 fa0 5 1n 7 xl 2 f58 1 43q 5 3 6 8 8 2 7 u 4 44 3 2pn 7 1 h 2 7 1 2 1 5 79 7 af 1 1p 4 15s 7 31 7";
const DECIMAL_RUNS = "1c a 17q a 3q a 5i a bg a 3a a 3a a 3a a 3a a 3a a 3a a 3a a 3a a 3a a 2o a 3a a 1y a 7q a 1y a 1fq a 12 a 8c a 3k a 4m a 6 a 52 a 2e a 3q a 6 a r7q a iu a 12 a 5i a m a 2e a ba a geu a 13a a 1om a mk a 3k a 1o a 40 a 7q a 9i a 3a a ae a 2u a 2u a bq a 2u a l2 a 6u a 1y a f5i a 2e a 3q a lf8 1e 1ts a bq a 192 a 3o6 a";

function runs(encoded) {
  const numbers = encoded.split(" ").map((number) => parseInt(number, 36));
  const found = [];
  let next = 0;
  for (let at = 0; at < numbers.length; at += 2) {
    const start = next + numbers[at];
    next = start + numbers[at + 1];
    found.push([start, next]);
  }
  return found;
}

function codePoints([start, end]) {
  return Array.from({ length: end - start }, (_, offset) => start + offset);
}

// Code points whose unicodedata.combining() is not 0: NFKD's accents, dropped by normalise.
const COMBINING = new Set(runs(COMBINING_RUNS).flatMap(codePoints));
// Every decimal digit (Python's \d, which float() reads) as its ASCII digit; a run of them is
// one or more runs of ten, from 0 to 9.
const DIGITS = new Map(
  runs(DECIMAL_RUNS).flatMap((run) =>
    codePoints(run).map((code) => [String.fromCodePoint(code), String((code - run[0]) % 10)]),
  ),
);
// Python's white space (str.isspace, re's \s), which is not JavaScript's \s.
const SPACE =
  "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const SPACES = new RegExp(`[${SPACE}]+`, "u");
const IS_SPACE = new RegExp(`^[${SPACE}]$`, "u");
// str.isalnum(), and what str.isprintable() refuses (a space aside), by general category.
const ALPHANUMERIC = /[\p{L}\p{N}]/u;
const UNPRINTABLE = /[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u;
const CHEROKEE = /\p{Script=Cherokee}/u;

// -- Python's text helpers ----------------------------------------------------------------------

function length(text) {
  let count = 0;
  for (const _ of text) count += 1;
  return count;
}

// str.strip(chars), or str.strip() without chars.
function strip(text, chars) {
  const list = [...text];
  const drop = chars === undefined ? (char) => IS_SPACE.test(char) : (char) => chars.includes(char);
  let start = 0;
  let end = list.length;
  while (start < end && drop(list[start])) start += 1;
  while (end > start && drop(list[end - 1])) end -= 1;
  return list.slice(start, end).join("");
}

function split(text) {
  return text.split(SPACES).filter((word) => word !== "");
}

// str.casefold() of one code point: full case folding is the lower case of the upper case,
// except for Cherokee (folded to its capitals), dotless i (kept) and capital sharp s.
function casefold(char) {
  if (char === "ı") return char;
  if (char === "ẞ") return "ss";
  if (CHEROKEE.test(char)) return char.toUpperCase();
  return char.toUpperCase().toLowerCase();
}

const DASHES = /[-‐‑‒–—―_/]/gu;
const EDGE_PUNCTUATION = " .,;:!?¿¡\"'“”‘’()[]{}«»";

// compare.normalise_text: case, accents, dashes and spacing folded, punctuation at the ends cut.
export function normalise(text) {
  let bare = "";
  for (const char of text.normalize("NFKD")) {
    if (!COMBINING.has(char.codePointAt(0))) bare += char;
  }
  let folded = "";
  for (const char of bare) folded += casefold(char);
  return strip(split(folded.replace(DASHES, " ")).join(" "), EDGE_PUNCTUATION);
}

function hex(code, digits) {
  return code.toString(16).padStart(digits, "0");
}

function escaped(char, quote) {
  if (char === quote || char === "\\") return `\\${char}`;
  if (char === "\t") return "\\t";
  if (char === "\n") return "\\n";
  if (char === "\r") return "\\r";
  if (char === " " || !UNPRINTABLE.test(char)) return char;
  const code = char.codePointAt(0);
  if (code <= 0xff) return `\\x${hex(code, 2)}`;
  return code <= 0xffff ? `\\u${hex(code, 4)}` : `\\U${hex(code, 8)}`;
}

// compare.short of text: Python's repr, cut to 40 characters.
export function short(text, width = 40) {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  const shown = [quote, ...[...text].map((char) => escaped(char, quote)), quote].join("");
  const chars = [...shown];
  return chars.length <= width ? shown : `${chars.slice(0, width - 1).join("")}…`;
}

// -- messages -----------------------------------------------------------------------------------

// Python's format(value, ".0%"): the product rounded half to even, as Python rounds it.
function percent(value) {
  const scaled = value * 100;
  const floor = Math.floor(scaled);
  const rest = scaled - floor;
  return `${rest > 0.5 || (rest === 0.5 && floor % 2 !== 0) ? floor + 1 : floor}%`;
}

function formatted(value, spec) {
  if (spec === undefined) return String(value);
  if (spec === ".0%") return percent(value);
  if (spec === "," && Number.isInteger(value)) {
    return String(value).replace(/\B(?=(\d{3})+$)/g, ",");
  }
  throw new Error(`checker.js cannot format ${JSON.stringify(value)} as {:${spec}}`);
}

// str.format as the checker's messages use it: {name}, {name:,} for integers and {name:.0%}.
export function formatMessage(template, values) {
  return template.replace(/\{\{|\}\}|\{(\w+)(?::([^{}]*))?\}/g, (whole, name, spec) => {
    if (whole === "{{" || whole === "}}") return whole[0];
    if (!Object.hasOwn(values, name)) throw new Error(`no value for {${name}} in ${template}`);
    return formatted(values[name], spec);
  });
}

function say(words, key, values = {}) {
  if (!Object.hasOwn(words, key)) throw new Error(`checker.js has no words for ${key}`);
  return formatMessage(words[key], values);
}

// -- outcomes -----------------------------------------------------------------------------------

const SYMBOLS = {
  correct: "✓",
  partial: "✗",
  incorrect: "✗",
  unanswered: "–",
  invalid: "–",
};

function outcome(status, score, message) {
  return { status, score, message };
}

function partial(score, message) {
  const bounded = Math.min(1, Math.max(0, score));
  return outcome(bounded === 0 ? "incorrect" : "partial", bounded, message);
}

function right(item) {
  return outcome("correct", 1, item.explanation);
}

function wrong(feedback, words) {
  return outcome("incorrect", 0, say(words, "question.incorrect", { feedback }));
}

// render_text of an outcome without its message: symbol, word, and the score when partial.
export function resultLine(result, words) {
  const head = `${SYMBOLS[result.status]} ${say(words, `outcome.label.${result.status}`)}`;
  if (result.status !== "partial") return head;
  return `${head} ${say(words, "outcome.score", { score: result.score })}`;
}

// -- reading answers ----------------------------------------------------------------------------

// An answer that cannot be read: the key of its message and the message's values.
class InputError extends Error {
  constructor(key, values = {}) {
    super(key);
    this.key = key;
    this.values = values;
  }
}

function checkLength(text, limit = 10_000) {
  const count = length(text);
  if (count > limit) throw new InputError("compare.too_long", { length: count });
}

function oneKey(value, letters) {
  checkLength(value);
  const key = strip(strip(strip(value), "()[].")).toLowerCase();
  if (key.length === 1 && letters.includes(key)) return key;
  const keys = [...letters].join(", ");
  throw new InputError("question.unknown_option", { given: short(value), keys });
}

function keyList(answer, letters) {
  if (answer.length > letters.length * 4) {
    const count = answer.length;
    throw new InputError("question.too_many_keys", { count, options: letters.length });
  }
  const keys = [];
  for (const given of answer) {
    const key = oneKey(given, letters);
    if (keys.includes(key)) throw new InputError("question.repeated_option", { given: short(key) });
    keys.push(key);
  }
  return keys;
}

const UNITS = (
  "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen " +
  "fifteen sixteen seventeen eighteen nineteen"
).split(" ");
const TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split(" ");
const SCALES = new Map([
  ["hundred", 100n],
  ["thousand", 1000n],
  ["million", 10n ** 6n],
  ["billion", 10n ** 9n],
]);
const NUMBER_WORD = /^(\d{1,3}(,\d{3})+(\.\d+)?|\d+(\.\d+)?)$/;
// compare._PLAIN_NUMBER, once every decimal digit is an ASCII one.
const PLAIN_NUMBER = /^[+-]?(\d{1,3}(,\d{3})+|\d+)?(\.\d+)?([eE][+-]?\d+)?$/;
const CURRENCY = new RegExp(`^(US\\$|USD|\\$)[${SPACE}]*`, "iu");

// report._text.number_from_words (of text whose digits are ASCII), or null: "eighteen" is 18,
// "$4.2 million" 4200000. Whole numbers are exact, as Python's integers are.
function numberFromWords(words) {
  const tokens = split(strip(words).toLowerCase().replaceAll("$", "").replaceAll("-", " "));
  if (tokens.length === 0) return null;
  const [head, ...scales] = tokens;
  let value;
  if (NUMBER_WORD.test(head)) value = Number(head.replaceAll(",", ""));
  else if (UNITS.includes(head)) value = BigInt(UNITS.indexOf(head));
  else if (TENS.includes(head)) {
    value = BigInt(20 + 10 * TENS.indexOf(head));
    const unit = UNITS.indexOf(scales[0]);
    if (unit > 0 && unit < 10) value += BigInt(UNITS.indexOf(scales.shift()));
  } else return null;
  for (const scale of scales) {
    if (!SCALES.has(scale)) return null;
    const by = SCALES.get(scale);
    value = typeof value === "bigint" ? value * by : value * Number(by);
  }
  return Number(value);
}

// compare.parse_number of text: "18", " 1,000 ", "12.5%", "US$ 3", "１８", "eighteen".
function parseNumber(text) {
  checkLength(text, 100);
  let cleaned = strip(strip(text).replace(/%$/, ""));
  cleaned = cleaned.replace(CURRENCY, "").replaceAll("\u00a0", " ");
  const digits = [...cleaned].map((char) => DIGITS.get(char) ?? char).join("");
  const plain = PLAIN_NUMBER.exec(digits);
  // Python's pattern also takes an exponent alone ("e5"), on which float() raises and the
  // engine with it (a bug, reported); here that is text that is not a number.
  const number =
    plain && (plain[1] || plain[3])
      ? Number(digits.replaceAll(",", ""))
      : numberFromWords(digits);
  if (number === null) throw new InputError("compare.not_a_number", { given: short(text) });
  if (!Number.isFinite(number)) {
    throw new InputError("compare.not_finite", { value: number > 0 ? "inf" : "-inf" });
  }
  return number;
}

function numbersMatch(got, expected, tolerance, relativeTolerance) {
  const rounding = 1e-9 * Math.max(1, Math.abs(expected));
  const allowed = Math.max(tolerance, relativeTolerance * Math.abs(expected));
  return Math.abs(got - expected) <= allowed + rounding;
}

// -- the question types, by the name the bank's schema uses -------------------------------------

const TYPES = {
  single: {
    parse: (answer, item) => oneKey(answer, item.letters),
    score: (key, item, words) =>
      key === item.answer ? right(item) : wrong(item.feedback[key], words),
  },
  multiple: {
    parse: (answer, item) => keyList(answer, item.letters),
    score(keys, item, words) {
      const picks = new Set(keys);
      const rightful = new Set(item.answer);
      const strays = [...item.letters].filter((key) => picks.has(key) && !rightful.has(key));
      const found = keys.filter((key) => rightful.has(key)).length;
      if (found === rightful.size && strays.length === 0) return right(item);
      const feedback = strays.map((key) => item.feedback[key]).join(" ");
      const text = say(words, "question.partial", {
        feedback: feedback ? `${feedback} ` : "",
        found,
        total: rightful.size,
        wrong: strays.length,
      });
      return partial(Math.max(0, (found - strays.length) / rightful.size), text);
    },
  },
  truefalse: {
    parse: (answer) => answer,
    score: (truth, item, words) =>
      truth === item.answer ? right(item) : wrong(item.wrong_feedback, words),
  },
  numeric: {
    parse(answer, item, words) {
      checkLength(answer);
      const number = parseNumber(answer);
      if (strip(answer).endsWith("%") && item.unit !== "percent") {
        throw new InputError("question.percent_not_asked", { unit: item.unit_words });
      }
      return number;
    },
    score(number, item, words) {
      if (numbersMatch(number, item.answer, item.tolerance, item.relative_tolerance)) {
        return right(item);
      }
      const range = item.ranges.find(([low, high]) => low <= number && number <= high);
      return wrong(range ? range[2] : item.wrong_feedback, words);
    },
  },
  text: {
    parse(answer) {
      checkLength(answer, 1_000);
      if (!ALPHANUMERIC.test(answer)) throw new InputError("compare.no_letters");
      return normalise(answer);
    },
    score(form, item, words) {
      if (item.accepted.includes(form)) return right(item);
      const known = Object.hasOwn(item.wrong_forms, form);
      return wrong(known ? item.wrong_forms[form] : item.wrong_feedback, words);
    },
  },
  order: {
    parse(answer, item) {
      const keys = keyList(answer, item.letters);
      const missing = [...item.letters].filter((key) => !keys.includes(key));
      if (missing.length) {
        throw new InputError("question.order_incomplete", { missing: missing.join(", ") });
      }
      return keys;
    },
    score(keys, item, words) {
      if (keys.every((key, position) => key === item.answer[position])) return right(item);
      const rank = (key) => item.answer.indexOf(key);
      const pairs = keys.length - 1;
      const inOrder = keys.slice(1).filter((key, at) => rank(keys[at]) < rank(key)).length;
      const misplaced = keys.find((key, position) => key !== item.answer[position]);
      const feedback = item.feedback[misplaced];
      const text = say(words, "question.order_partial", { in_order: inOrder, pairs, feedback });
      return partial(inOrder / pairs, text);
    },
  },
};

// What the widget reads of what its view sends, by the input a question's type names
// (widgets._ANSWERS), then session._cleaned: blank entries dropped, an empty list is no answer.
const readText = (value) => (typeof value === "string" ? value : null);
const readTruth = (value) => (typeof value === "boolean" ? value : null);
const readKeys = (value) =>
  Array.isArray(value) && value.every((key) => typeof key === "string") ? value : null;
const READERS = {
  radio: readText,
  textbox: readText,
  truefalse: readTruth,
  checkboxes: readKeys,
  order: readKeys,
};

// What the view sent, read as the widget reads it (Python's _ANSWERS, then QuestionState.select).
export function selection(item, answer) {
  if (!Object.hasOwn(READERS, item.input)) throw new Error(`checker.js has no input ${item.input}`);
  const value = READERS[item.input](answer ?? null);
  if (!Array.isArray(value)) return value;
  const kept = value.filter((key) => key !== "");
  return kept.length ? kept : null;
}

// Question.evaluate(answer, how=the widget's instruction): {status, score, message}.
export function check(item, answer, words) {
  if (!Object.hasOwn(TYPES, item.type)) {
    throw new Error(`checker.js has no question type ${item.type}`);
  }
  const kind = TYPES[item.type];
  const given = selection(item, answer);
  if (given === null || (typeof given === "string" && strip(given) === "")) {
    return outcome("unanswered", 0, say(words, "question.unanswered", { how: item.how }));
  }
  let parsed;
  try {
    parsed = kind.parse(given, item, words);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    return outcome("invalid", 0, `${say(words, error.key, error.values)} ${item.how}`);
  }
  return kind.score(parsed, item, words);
}
