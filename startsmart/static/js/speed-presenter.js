// The presenter screen: counts from the state the page came with, asks the server for changes,
// and keeps counting when the network drops (speed-live.js). Keys and buttons use the run
// controls; the server decides, and the screen shows what it answered.
document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("presenter");
  const live = window.SpeedLive;
  if (!root || !live) return;
  const byId = (id) => document.getElementById(id);
  const texts = JSON.parse(byId("presenter-texts").textContent);
  const token = document.querySelector('meta[name="csrf-token"]').content;
  const forms = Array.from(document.querySelectorAll("form.pr-control"));
  const view = {
    phase: byId("pr-phase"),
    round: byId("pr-round"),
    countdown: byId("pr-countdown"),
    seatingHeading: byId("pr-seating-heading"),
    seating: byId("pr-seating-body"),
    seatingBox: byId("pr-seating"),
    seatingPage: byId("pr-seating-page"),
    version: byId("pr-version"),
    connection: byId("pr-connection"),
    message: byId("pr-message"),
  };
  let seatingShown = null; // plan version and round of the seating on screen
  let pageTimer = null; // turns the pages of a seating plan too long for the screen
  const PAGE_SECONDS = 10;
  let sending = false;
  let messageTimer = null;

  const feed = new live.Feed(root.dataset.feed, {
    interval: Number(root.dataset.pollSeconds) || 2,
    onData: () => {
      seatingShown = null;
      render();
    },
    onConnection: (state) => {
      view.connection.textContent = texts[state] || "";
    },
  });
  feed.acceptPage(JSON.parse(byId("presenter-data").textContent));

  function clock() {
    return live.position(feed.data.run, feed.data.timing, feed.now());
  }

  function setText(element, text) {
    if (element.textContent !== text) element.textContent = text;
  }

  function say(text) {
    clearTimeout(messageTimer);
    setText(view.message, text);
    if (text) messageTimer = setTimeout(() => setText(view.message, ""), 8000);
  }

  function usable(action, at, rounds) {
    if (action === "start") return at.status === "not_started" && rounds > 0;
    if (action === "pause") return at.status === "running" && at.phase !== "over";
    if (action === "resume") return at.status === "paused";
    if (action === "back") return at.status === "running" || at.status === "paused";
    if (action === "next") return (at.status === "running" || at.status === "paused") && at.next_round !== null;
    return false;
  }

  function person(p, many) {
    return p.municipality && !many ? p.name + " (" + p.municipality + ")" : p.name;
  }

  function renderSeating(data, number, at) {
    const label = live.seatingLabel(at, number);
    const key = data.version + ":" + number + ":" + label;
    if (key === seatingShown) return;
    seatingShown = key;
    const found = number ? live.seating(data, number) : null;
    view.seatingHeading.textContent = found ? live.fill(texts[label], { round: number }) : texts.seating_title;
    const parts = [];
    if (found) {
      const many = found.tables.length > 24; // names only, smaller: a hall of 80 fits
      const list = document.createElement("ol");
      list.className = "pr-tables" + (many ? " pr-many" : "");
      for (const table of found.tables) {
        const item = document.createElement("li");
        item.dataset.table = table.table;
        const label = document.createElement("span");
        label.className = "pr-table";
        label.textContent = live.fill(texts.table, { table: table.table });
        const people = document.createElement("span");
        people.className = "pr-people";
        const names = table.people.map((p) => person(p, many));
        if (table.host) names.push(texts.host);
        people.textContent = names.join(" · ");
        item.append(label, " ", people);
        list.append(item);
      }
      parts.push(list);
      if (found.sitting_out.length) {
        const waiting = document.createElement("p");
        waiting.className = "pr-waiting";
        waiting.textContent = live.fill(texts.sitting_out, { round: number }) + " " + found.sitting_out.map((p) => p.name).join(" · ");
        parts.push(waiting);
      }
    } else {
      const note = document.createElement("p");
      note.textContent = data.timing.rounds ? texts.no_seating : texts.no_plan;
      parts.push(note);
    }
    view.seating.replaceChildren(...parts);
    pageSeating();
  }

  // A hall too big for the screen: the tables take turns in pages, each long enough to find
  // one's name, so no table is ever cut off at the bottom of the projector.
  function overflowing() {
    return view.seatingBox.scrollHeight > view.seatingBox.clientHeight + 1;
  }

  function showOnly(items, start, end) {
    items.forEach((item, index) => {
      item.hidden = index < start || index >= end;
    });
  }

  function pageSeating() {
    clearInterval(pageTimer);
    pageTimer = null;
    view.seatingPage.textContent = "";
    const list = view.seating.querySelector(".pr-tables");
    if (!list) return;
    const items = Array.from(list.children);
    showOnly(items, 0, items.length);
    if (!overflowing()) return;
    view.seatingPage.textContent = texts.tables_page; // its line counts while measuring
    const pages = [];
    for (let start = 0; start < items.length; ) {
      let fits = start + 1; // the most tables from ``start`` on that fit (at least one)
      let tooMany = items.length + 1;
      while (tooMany - fits > 1) {
        const middle = Math.floor((fits + tooMany) / 2);
        showOnly(items, start, middle);
        if (overflowing()) tooMany = middle;
        else fits = middle;
      }
      pages.push([start, fits]);
      start = fits;
    }
    let shown = 0;
    const show = () => {
      const [start, end] = pages[shown];
      showOnly(items, start, end);
      view.seatingPage.textContent = live.fill(texts.tables_page, {
        first: items[start].dataset.table,
        last: items[end - 1].dataset.table,
        total: items.length,
        page: shown + 1,
        pages: pages.length,
      });
    };
    show();
    pageTimer = setInterval(() => {
      shown = (shown + 1) % pages.length;
      show();
    }, PAGE_SECONDS * 1000);
  }

  let resizeTimer = null;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(pageSeating, 200);
  });

  function renderControls(at, rounds) {
    const focused = document.activeElement;
    let lostFocus = false;
    for (const form of forms) {
      const hide = !usable(form.dataset.action, at, rounds);
      if (hide && form.contains(focused)) lostFocus = true;
      form.hidden = hide;
      form.elements.status.value = at.status;
      form.elements.round.value = String(at.round);
    }
    if (lostFocus) {
      // A keyboard user's button went away (Start became Pause): keep their place.
      const next = forms.find((form) => !form.hidden);
      if (next) next.querySelector("button").focus();
    }
  }

  function render() {
    const data = feed.data;
    const at = clock();
    const phase = live.presenterPhase(at);
    const rounds = data.timing.rounds;
    const shown = at.round || at.next_round;
    document.body.className = "presenter phase-" + phase;
    setText(view.phase, texts["phase_" + phase]);
    let round = "";
    if (!rounds) round = texts.no_plan;
    else if (at.phase === "changeover") round = live.fill(texts.round_next, { round: at.next_round, rounds: rounds });
    else if (shown) round = live.fill(texts.round_of, { round: shown, rounds: rounds });
    setText(view.round, round);
    setText(view.version, data.plan_version ? live.fill(texts.plan_version, { version: data.plan_version }) : "");
    setText(view.countdown, live.countdown(at.status === "not_started" ? data.timing.round_seconds : at.seconds_left));
    renderSeating(data, live.seatingRound(at), at);
    renderControls(at, rounds);
  }

  async function control(action) {
    if (sending) return; // a second press while the first is on its way
    sending = true;
    const at = clock();
    const form = forms.find((f) => f.dataset.action === action);
    const body = new FormData();
    body.append("csrf_token", token);
    body.append("status", at.status);
    body.append("round", String(at.round));
    const sentAt = Date.now();
    try {
      const response = await fetch(form.action, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": token },
      });
      const type = response.headers.get("Content-Type") || "";
      if (type.includes("application/json")) {
        const answer = await response.json();
        if (response.ok) {
          feed.accept(answer, sentAt, Date.now());
          say(answer.applied === false ? texts.control_stale : "");
        } else {
          say(answer.error || texts.control_failed);
        }
      } else {
        say(response.redirected ? texts.signed_out : texts.control_failed);
      }
    } catch (error) {
      say(texts.control_offline);
    } finally {
      sending = false;
      render();
    }
  }

  function toggleAction(at) {
    if (at.status === "not_started") return "start";
    if (at.status === "paused") return "resume";
    if (at.status === "running") return "pause";
    return null;
  }

  function toggleFullscreen() {
    if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
    else if (document.documentElement.requestFullscreen) document.documentElement.requestFullscreen().catch(() => {});
  }

  // Presentation clickers send PageDown/PageUp; keyboards have the arrows and the space bar.
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.defaultPrevented) return;
    const target = event.target instanceof Element ? event.target : null;
    if (target && target.closest("input, textarea, select, [contenteditable]")) return;
    let action;
    switch (event.key) {
      case " ":
      case "Spacebar":
        if (target && target.closest("button, a")) return; // the focused control's own key
        action = toggleAction(clock());
        break;
      case "ArrowRight":
      case "PageDown":
        action = "next";
        break;
      case "ArrowLeft":
      case "PageUp":
        action = "back";
        break;
      case "f":
      case "F":
        event.preventDefault();
        toggleFullscreen();
        return;
      default:
        return;
    }
    event.preventDefault();
    if (action) control(action);
  });

  for (const form of forms) {
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      control(form.dataset.action);
    });
    // After a mouse or touch press the button lets go of the focus, so the space bar means
    // start/pause again rather than pressing that button twice.
    form.querySelector("button").addEventListener("click", (event) => {
      if (event.detail > 0) event.currentTarget.blur();
    });
  }

  render();
  setInterval(render, 250);
  feed.start();
  root.dataset.live = "ready"; // keys work from here on (tests wait for it)
});
