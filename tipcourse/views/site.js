// The course website's page: each question block mounted with the question view
// (question.js), each answer checked in the page by checker.js, and the learner's progress kept
// in the browser (localStorage), shown per section, reset, and downloaded as a progress file
// (docs/progress-file.md) that `tipcourse progress --import` and `tipcourse analyze --receipts`
// read. This file is bundled with the other two into one classic script (site.py), so a page
// works from file:// and asks nothing of any server.

const STORE_KEY = "tipcourse-progress";
const FORMAT = "tipcourse-progress";
const USABLE = new Set(["correct", "partial", "incorrect"]);

const page = JSON.parse(document.getElementById("tc-page").textContent);
const words = page.words;
let storageWorks = true;

function say(key, values = {}) {
  return formatMessage(words[key], values);
}

// -- the learner's progress, in localStorage (or in memory where the browser keeps none) -----

function emptyProgress() {
  return { version: 1, learner: "", attempts: [], questions: {} };
}

function loadProgress() {
  try {
    const saved = JSON.parse(window.localStorage.getItem(STORE_KEY) || "null");
    if (saved && saved.version === 1 && Array.isArray(saved.attempts) && saved.questions) {
      return saved;
    }
  } catch (error) {
    storageWorks = false;
  }
  return emptyProgress();
}

let progress = loadProgress();

function saveProgress() {
  try {
    window.localStorage.setItem(STORE_KEY, JSON.stringify(progress));
    storageWorks = true;
  } catch (error) {
    storageWorks = false; // private mode or a full store: the page keeps working in memory
  }
}

function record(id) {
  if (!progress.questions[id]) {
    progress.questions[id] = { selection: null, checks: 0, hints: 0, evidence: false };
  }
  return progress.questions[id];
}

function attemptsOf(id) {
  return progress.attempts.filter((attempt) => attempt.item === id);
}

function bestOf(id) {
  return Math.max(0, ...attemptsOf(id).map((attempt) => attempt.score));
}

// -- Markdown of a message: code spans, strong and emphasis; everything else literal ---------

function escapeHtml(text) {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

function inlineMarkdown(text) {
  const parts = String(text).split(/(`[^`]+`)/);
  const html = parts.map((part) => {
    if (/^`[^`]+`$/.test(part)) return `<code>${escapeHtml(part.slice(1, -1))}</code>`;
    return escapeHtml(part)
      .replace(/\*\*(?=\S)(.+?\S)\*\*/g, "<strong>$1</strong>")
      .replace(/(^|[^\w*])\*(?=\S)([^*]*?\S)\*(?![\w*])/g, "$1<em>$2</em>");
  });
  return `<p>${html.join("")}</p>`;
}

// -- the states the question view shows --------------------------------------------------

function numberText(value) {
  return String(Math.round(value * 100) / 100);
}

function stateOf(id, note) {
  const item = page.items[id];
  const saved = progress.questions[id];
  if (!saved) {
    return { selection: null, checks: 0, feedback: null, hints: [], hints_note: note || "" };
  }
  let feedback = null;
  if (saved.checks > 0) {
    const outcome = check(item.check, saved.selection, words);
    feedback = {
      status: outcome.status,
      result: resultLine(outcome, words),
      advice: inlineMarkdown(outcome.message),
      attempts: say("widget.attempts", { count: attemptsOf(id).length }),
    };
  }
  return {
    selection: saved.selection,
    checks: saved.checks,
    feedback,
    hints: item.hints.slice(0, saved.hints),
    hints_note: note || "",
    evidence: saved.evidence ? item.evidence : null,
  };
}

function quizScore(block) {
  if (!block.title) return "";
  let earned = 0;
  let total = 0;
  let answered = 0;
  for (const question of block.questions) {
    const points = page.items[question.id].points;
    earned += bestOf(question.id) * points;
    total += points;
    answered += attemptsOf(question.id).length > 0 ? 1 : 0;
  }
  return say("quiz.score", {
    earned: numberText(earned),
    total: numberText(total),
    answered,
    count: block.questions.length,
  });
}

// -- the question blocks -------------------------------------------------------------------

function mountBlock(root, block) {
  const spec = {
    lang: page.lang,
    report_lang: page.report_lang,
    title: block.title,
    summary: block.summary,
    labels: page.labels,
    questions: block.questions,
  };
  const notes = block.questions.map(() => "");
  let view = null;
  function refresh() {
    const states = block.questions.map((question, index) => stateOf(question.id, notes[index]));
    view.update(states, quizScore(block));
  }
  function act(message) {
    const question = block.questions[message.question];
    if (!question) return;
    const id = question.id;
    const item = page.items[id];
    const saved = record(id);
    notes[message.question] = "";
    if (message.action === "check") {
      const answer = selection(item.check, message.answer);
      const outcome = check(item.check, answer, words);
      saved.selection = answer;
      saved.checks += 1;
      if (USABLE.has(outcome.status)) {
        progress.attempts.push({
          item: id,
          section: item.section,
          kind: "question",
          time: new Date().toISOString(),
          status: outcome.status,
          score: outcome.score,
          answer,
        });
      }
    } else if (message.action === "hint") {
      if (saved.hints < item.hints.length) saved.hints += 1;
      else notes[message.question] = say(item.hints.length ? "widget.no_more_hints" : "widget.no_hints");
    } else if (message.action === "evidence") {
      saved.evidence = true;
    }
    saveProgress();
    refresh();
    showProgress();
  }
  view = mountQuestions(root, spec, act);
  refresh();
}

function mountBlocks() {
  for (const root of document.querySelectorAll(".tc-block")) {
    mountBlock(root, page.blocks[Number(root.dataset.block)]);
  }
}

// -- the progress view: per section, with download and reset --------------------------------

function sectionRows() {
  return page.sections.map((section) => {
    const ids = Object.keys(section.items);
    let tried = 0;
    let correct = 0;
    let earned = 0;
    let total = 0;
    for (const id of ids) {
      const best = bestOf(id);
      tried += attemptsOf(id).length > 0 ? 1 : 0;
      correct += best === 1 ? 1 : 0;
      earned += best * section.items[id];
      total += section.items[id];
    }
    return element(
      "tr",
      {},
      element("th", { scope: "row" }, section.title),
      element("td", {}, say("site.progress.total", { done: tried, count: ids.length })),
      element("td", {}, String(correct)),
      element("td", {}, say("site.progress.total", { done: numberText(earned), count: numberText(total) })),
    );
  });
}

function progressTable(name) {
  const head = ["site.progress.section", "site.progress.tried", "site.progress.correct", "site.progress.points"];
  return element(
    "div",
    {
      className: "tc-table",
      tabindex: "0",
      role: "region",
      "aria-label": name,
    },
    element(
      "table",
      {},
      element("caption", {}, say("site.progress.caption")),
      element("thead", {}, element("tr", {}, ...head.map((key) => element("th", { scope: "col" }, say(key))))),
      element("tbody", {}, ...sectionRows()),
    ),
  );
}

function download(status) {
  const file = {
    format: FORMAT,
    version: 1,
    language: page.lang,
    learner: progress.learner || "",
    exported: new Date().toISOString(),
    attempts: progress.attempts,
  };
  const blob = new Blob([JSON.stringify(file, null, 1)], { type: "application/json" });
  const link = element("a", { href: URL.createObjectURL(blob), download: "tipcourse-progress.json" });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  status.textContent = say("site.progress.downloaded", { count: progress.attempts.length });
}

// Panel ``number`` of ``count`` on the page (a page may show the progress twice): its region
// and its name field have names of their own.
function fillPanel(body, number, count) {
  const nameId = `tc-learner-${number}`;
  const caption = say("site.progress.caption");
  const status = element("p", { className: "tc-progress-status", role: "status", "aria-live": "polite" });
  const learner = element("input", {
    id: nameId,
    className: "tc-learner",
    type: "text",
    autocomplete: "name",
    maxlength: "200",
  });
  learner.value = progress.learner || "";
  learner.addEventListener("change", () => {
    progress.learner = learner.value.trim();
    saveProgress();
    for (const other of document.querySelectorAll(".tc-learner")) {
      if (other !== learner) other.value = progress.learner; // the page's other progress view
    }
  });
  const downloadButton = element("button", { type: "button", className: "tc-button" }, say("site.progress.download"));
  downloadButton.addEventListener("click", () => download(status));
  const resetButton = element("button", { type: "button", className: "tc-button" }, say("site.progress.reset"));
  resetButton.addEventListener("click", () => {
    if (!window.confirm(say("site.progress.reset_confirm"))) return;
    progress = emptyProgress();
    saveProgress();
    mountBlocks();
    showProgress();
    status.textContent = say("site.progress.reset_done");
  });
  const name = count > 1 ? `${caption} (${number})` : caption;
  const summary = progress.attempts.length
    ? progressTable(name)
    : element("p", {}, say("site.progress.empty"));
  const parts = [summary];
  if (!storageWorks) parts.push(element("p", { className: "tc-warning" }, say("site.progress.storage_off")));
  parts.push(
    element("p", {}, element("label", { for: nameId }, say("site.progress.name")), " ", learner),
    element("p", { className: "tc-buttons" }, downloadButton, " ", resetButton),
    status,
  );
  body.replaceChildren(element("div", { className: "tc-view tc-progress-view" }, ...parts));
}

function showProgress() {
  const bodies = document.querySelectorAll(".tc-progress-body, .tc-progress-here");
  bodies.forEach((body, index) => {
    const table = body.querySelector("tbody");
    if (table && progress.attempts.length) table.replaceChildren(...sectionRows());
    else fillPanel(body, index + 1, bodies.length);
  });
}

mountBlocks();
showProgress();
document.documentElement.classList.add("tc-script");
