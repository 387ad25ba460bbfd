// The question view of tipcourse: one ES module for the notebook widget (anywidget) and for
// any page that shows the course's questions.
//
// The view renders what a `spec` describes (the questions, their options and the interface's
// words) and then, on every `update(states, score)`, what the learner has done so far: the
// feedback of the last check, the hints asked for, the evidence, the running score, and any
// notice of the host's (an attempt its progress store could not save). It never
// judges an answer: it sends `{action, question, answer}` to its host (the Python kernel in a
// notebook) and shows the states the host sends back. Nothing of an answer key is in a spec.
//
// Keyboard and screen readers follow the WAI-ARIA Authoring Practices: a radio group is one Tab
// stop whose arrow keys move and select; every control's accessible name is unique on the page
// (it carries the question id); one live region per question, updated in place, announces each
// result, hint, evidence and move. Keys pressed inside the view stay in it (JupyterLab's notebook
// shortcuts never see them); Escape gives the focus back to the notebook's cell.

const HIDDEN = "tc-sr"; // visually hidden, read by screen readers

// Exported for the course website's own controls (site.js), which look the same.
export function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "className") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) {
    if (child === null || child === undefined) continue;
    node.append(typeof child === "string" ? document.createTextNode(child) : child);
  }
  return node;
}

function hidden(text) {
  return element("span", { className: HIDDEN }, text);
}

function fill(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, name) =>
    name in values ? String(values[name]) : whole,
  );
}

// Text of an HTML fragment the host rendered (its own Markdown, escaped), for announcements.
function textOf(html) {
  const scratch = document.createElement("div");
  scratch.innerHTML = html;
  return scratch.textContent.replace(/\s+/g, " ").trim();
}

function moveButton(word, name) {
  return element("button", { type: "button", className: "tc-button", "aria-label": name }, word);
}

// -- inputs, by the shape a question type names ------------------------------------------

function choiceList(ctx, type, choices) {
  const group = element("div", {
    className: "tc-choices",
    role: type === "radio" ? "radiogroup" : "group",
    "aria-labelledby": `${ctx.base}-prompt ${ctx.base}-id`,
  });
  const inputs = choices.map(([value, label], number) => {
    const id = `${ctx.base}-choice-${number}`;
    const input = element("input", { type, id, name: `${ctx.base}-choice`, value });
    group.append(
      element(
        "div",
        { className: "tc-choice" },
        input,
        element("label", { for: id }, label, hidden(ctx.suffix)),
      ),
    );
    return input;
  });
  return { group, inputs };
}

const INPUTS = {
  radio(ctx) {
    const choices = ctx.question.options.map((o) => [o.key, `${o.key}) ${o.text}`]);
    const { group, inputs } = choiceList(ctx, "radio", choices);
    return {
      node: group,
      read: () => inputs.find((input) => input.checked)?.value ?? null,
      show: (value) => inputs.forEach((input) => (input.checked = input.value === value)),
    };
  },
  truefalse(ctx) {
    const { group, inputs } = choiceList(ctx, "radio", [
      ["true", ctx.labels.true],
      ["false", ctx.labels.false],
    ]);
    return {
      node: group,
      read: () => {
        const chosen = inputs.find((input) => input.checked);
        return chosen ? chosen.value === "true" : null;
      },
      show: (value) =>
        inputs.forEach((input) => (input.checked = input.value === String(value))),
    };
  },
  checkboxes(ctx) {
    const choices = ctx.question.options.map((o) => [o.key, `${o.key}) ${o.text}`]);
    const { group, inputs } = choiceList(ctx, "checkbox", choices);
    const heading = element("p", { className: "tc-label" }, ctx.labels.choices);
    return {
      node: element("div", {}, heading, group),
      read: () => inputs.filter((input) => input.checked).map((input) => input.value),
      show: (value) =>
        inputs.forEach(
          (input) => (input.checked = Array.isArray(value) && value.includes(input.value)),
        ),
    };
  },
  textbox(ctx) {
    const id = `${ctx.base}-text`;
    const label = element("label", { id: `${id}-label`, for: id }, ctx.labels.answer);
    const input = element("input", {
      type: "text",
      id,
      className: "tc-text",
      autocomplete: "off",
      spellcheck: "false",
      placeholder: ctx.question.placeholder,
      "aria-labelledby": `${id}-label ${ctx.base}-prompt ${ctx.base}-id`,
    });
    input.tcEnter = () => ctx.check(); // Enter in the box checks (see guardKeys)
    return {
      node: element("div", { className: "tc-answer" }, label, input),
      read: () => input.value,
      show: (value) => (input.value = value === null || value === undefined ? "" : value),
    };
  },
  order(ctx) {
    const question = ctx.question;
    const texts = Object.fromEntries(
      question.options.map((o) => [o.key, `${o.key}) ${o.text}`]),
    );
    let order = question.options.map((o) => o.key);
    const list = element("ol", {
      className: "tc-order",
      "aria-labelledby": `${ctx.base}-order ${ctx.base}-id`,
    });
    const rows = {};
    for (const key of order) {
      const name = (template) => fill(template, { item: texts[key] }) + ctx.suffix;
      const up = moveButton(ctx.labels.up, name(ctx.labels.move_up));
      const down = moveButton(ctx.labels.down, name(ctx.labels.move_down));
      up.addEventListener("click", () => move(key, -1, up));
      down.addEventListener("click", () => move(key, 1, down));
      const row = element(
        "li",
        { className: "tc-row" },
        element("span", { className: "tc-item" }, texts[key]),
        element("span", { className: "tc-moves" }, up, down),
      );
      rows[key] = { row, up, down };
    }
    function draw() {
      order.forEach((key, position) => {
        list.append(rows[key].row);
        rows[key].up.setAttribute("aria-disabled", String(position === 0));
        rows[key].down.setAttribute("aria-disabled", String(position === order.length - 1));
      });
    }
    function move(key, steps, button) {
      const from = order.indexOf(key);
      const to = from + steps;
      if (to < 0 || to >= order.length) return;
      order.splice(to, 0, order.splice(from, 1)[0]);
      draw();
      button.focus(); // the moved row was taken out and put back: keep the focus on its button
      const where = { item: texts[key], position: to + 1, count: order.length };
      ctx.announce(fill(ctx.labels.moved, where));
    }
    draw();
    const label = element(
      "p",
      { className: "tc-label", id: `${ctx.base}-order` },
      ctx.labels.order,
    );
    return {
      node: element("div", {}, label, list),
      read: () => [...order],
      show: (value) => {
        const complete = Array.isArray(value) && value.length === order.length;
        if (complete && value.every((key) => key in rows)) {
          order = [...value];
          draw();
        }
      },
    };
  },
};

// -- one question -------------------------------------------------------------------------

function mountQuestion(spec, question, index, uid, send) {
  const base = `${uid}-q${index}`;
  const labels = spec.labels;
  const suffix = ` (${question.id})`;
  const live = element("div", {
    className: `tc-live ${HIDDEN}`,
    role: "status",
    "aria-live": "polite",
    "aria-atomic": "true",
  });
  let timer = null;
  // The same node every time; emptied first so that the same words said twice are said again.
  function announce(text) {
    live.textContent = "";
    clearTimeout(timer);
    timer = setTimeout(() => (live.textContent = text), 60);
  }
  const ctx = { spec, question, labels, base, suffix, announce, check: () => check() };
  const input = INPUTS[question.input](ctx);

  const heading = element(
    spec.title ? "h4" : "h3",
    { className: "tc-header", id: `${base}-heading` },
    question.number ? element("span", { className: "tc-number" }, `${question.number} · `) : null,
    element("span", { id: `${base}-id` }, question.id),
    ` · ${question.header}`,
  );
  function button(word) {
    return element("button", { type: "button", className: "tc-button" }, word, hidden(suffix));
  }
  const checkButton = button(labels.check);
  const hintButton = button(labels.hint);
  const evidenceButton = button(labels.evidence);
  const feedback = element("div", { className: "tc-feedback", hidden: true });
  const hints = element("div", { className: "tc-hints", hidden: true });
  const evidence = element("div", { className: "tc-evidence", hidden: true });
  const notice = element("p", { className: "tc-notice", hidden: true });

  function check() {
    send({ action: "check", question: index, answer: input.read() });
  }
  checkButton.addEventListener("click", check);
  hintButton.addEventListener("click", () => send({ action: "hint", question: index }));
  evidenceButton.addEventListener("click", () => send({ action: "evidence", question: index }));

  const node = element(
    "section",
    {
      className: "tc-question",
      "aria-labelledby": `${base}-heading`,
      "data-question-id": question.id,
    },
    heading,
    element("p", { className: "tc-prompt", id: `${base}-prompt` }, question.prompt),
    element("p", { className: "tc-instruction" }, question.instruction),
    input.node,
    element("div", { className: "tc-buttons" }, checkButton, hintButton, evidenceButton),
    feedback,
    notice,
    hints,
    evidence,
    live,
  );

  // checks: -1, so a state checked before (a second display of it) shows its feedback at once.
  let shown = { checks: -1, hints: 0, note: "", evidence: false, notice: "", first: true };
  function update(state) {
    const said = [];
    if (shown.first && state.selection !== null && state.selection !== undefined) {
      input.show(state.selection);
    }
    if (state.feedback && state.checks !== shown.checks) {
      const f = state.feedback;
      feedback.className = `tc-feedback tc-${f.status}`;
      feedback.innerHTML = "";
      const result = element("p", { className: "tc-result" }, element("strong", {}, f.result));
      const advice = element("div", { className: "tc-advice" });
      advice.innerHTML = f.advice;
      feedback.append(result, advice, element("p", { className: "tc-attempts" }, f.attempts));
      feedback.hidden = false;
      said.push(`${f.result}. ${textOf(f.advice)} ${f.attempts}`);
    }
    const told = state.notice || "";
    if (told !== shown.notice) {
      notice.textContent = told;
      notice.hidden = !told;
      if (told) said.push(told);
    }
    if (state.hints.length !== shown.hints || state.hints_note !== shown.note) {
      hints.innerHTML = state.hints.join("");
      if (state.hints_note) hints.append(element("p", {}, state.hints_note));
      hints.hidden = !hints.childNodes.length;
      if (state.hints.length > shown.hints) said.push(textOf(state.hints[state.hints.length - 1]));
      else if (state.hints_note) said.push(state.hints_note);
    }
    if (state.evidence && !shown.evidence) {
      evidence.innerHTML = "";
      evidence.append(element("p", {}, element("strong", {}, labels.evidence_heading)));
      const words = [labels.evidence_heading];
      for (const quote of state.evidence) {
        evidence.append(
          element("blockquote", { lang: spec.report_lang }, quote.quote),
          element("p", { className: "tc-place" }, quote.place),
        );
        if (quote.translation) {
          const translated = `${labels.translation} ${quote.translation}`;
          evidence.append(element("p", { className: "tc-translation" }, translated));
        }
        words.push(quote.quote, quote.place);
      }
      evidence.hidden = false;
      said.push(words.join(" "));
    }
    if (!shown.first && said.length) announce(said.join(" "));
    shown = {
      checks: state.checks,
      hints: state.hints.length,
      note: state.hints_note,
      evidence: Boolean(state.evidence),
      notice: told,
      first: false,
    };
  }
  return { node, update };
}

// -- the view: a question, or a quiz of several with its running score --------------------

let views = 0;
let guarding = false;

// Keys pressed in a view stay in it: JupyterLab (and Notebook 7, which listens before anything
// else, in the capture phase) would take "b", "a", "x", "dd" or the arrow keys as notebook
// commands. One listener on the window, ahead of theirs, stops every key pressed in a view
// from going further; the browser's own action for the key (typing, choosing with the arrow
// keys, pressing a button) still happens. The view handles Enter in a text box and Escape.
function guardKeys() {
  if (guarding) return;
  guarding = true;
  window.addEventListener(
    "keydown",
    (event) => {
      const view = event.target instanceof Element ? event.target.closest(".tc-view") : null;
      if (!view) return;
      event.stopPropagation();
      view.tcKeydown?.(event);
    },
    true,
  );
}

export function mountQuestions(root, spec, send) {
  const uid = `tc${Date.now().toString(36)}${(views += 1)}`;
  const container = element("div", {
    className: "tc-view",
    lang: spec.lang,
    "data-lm-suppress-shortcuts": "true",
  });
  const score = element("p", { className: "tc-score" });
  if (spec.title) {
    container.append(
      element("h3", { className: "tc-title" }, spec.title),
      element("p", {}, spec.summary),
      score,
    );
  }
  const questions = spec.questions.map((question, index) =>
    mountQuestion(spec, question, index, uid, send),
  );
  container.append(...questions.map((question) => question.node));
  container.tcKeydown = (event) => {
    if (event.key === "Enter" && event.target.tcEnter) {
      event.preventDefault();
      event.target.tcEnter();
    } else if (event.key === "Escape") {
      // Back to the notebook: the focus on the cell, which is command mode.
      const cell = container.closest(".jp-Cell, .jp-Notebook, [tabindex]");
      if (cell) {
        event.preventDefault();
        if (!cell.hasAttribute("tabindex")) cell.setAttribute("tabindex", "-1");
        cell.focus();
      }
    }
  };
  guardKeys();
  root.replaceChildren(container);
  return {
    update(states, scoreText) {
      states.forEach((state, index) => questions[index]?.update(state));
      if (spec.title && score.textContent !== scoreText) score.textContent = scoreText;
    },
  };
}

// anywidget: the model holds `spec` (sent once), `states` and `score` (sent after each action).
function render({ model, el }) {
  const view = mountQuestions(el, model.get("spec"), (message) => model.send(message));
  const update = () => view.update(model.get("states"), model.get("score"));
  update();
  model.on("change:states", update);
  model.on("change:score", update);
  return () => {
    model.off("change:states", update);
    model.off("change:score", update);
  };
}

export default { render };
