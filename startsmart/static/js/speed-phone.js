// One participant's speed-dating on the phone: the headline (round, table, partners), the
// countdown and the schedule, kept up to date from the server's JSON without a reload. The
// clock runs here (speed-live.js), so a weak venue network costs nothing but late changes.
document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("sd-phone");
  const live = window.SpeedLive;
  if (!root || !live) return;
  const byId = (id) => document.getElementById(id);
  const texts = JSON.parse(byId("sd-texts").textContent);
  const view = {
    headline: byId("sd-headline"),
    lead: byId("sd-lead"),
    status: byId("sd-status-text"),
    countdown: byId("sd-countdown"),
    hint: byId("sd-hint"),
    connection: byId("sd-connection"),
    announce: byId("sd-announce"),
    questions: byId("sd-questions"),
    table: byId("sd-schedule"),
    body: byId("sd-schedule-body"),
    empty: byId("sd-schedule-empty"),
  };
  const startTime = new Intl.DateTimeFormat(document.documentElement.lang || "de", {
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
    timeZone: "Europe/Berlin",
  });
  let scheduleShown = null; // plan version and seat states on screen
  let headlineShown = view.headline.textContent;

  const feed = new live.Feed(root.dataset.feed, {
    interval: Number(root.dataset.pollSeconds) || 5,
    onData: () => {
      scheduleShown = null;
      renderQuestions();
      render();
    },
    onConnection: (state) => {
      view.connection.textContent = texts[state] || "";
    },
  });
  feed.acceptPage(JSON.parse(byId("sd-data").textContent));

  function setText(element, text) {
    if (element.textContent !== text) element.textContent = text;
  }

  function renderQuestions() {
    const items = feed.data.questions.map((question) => {
      const item = document.createElement("li");
      item.textContent = question;
      return item;
    });
    view.questions.replaceChildren(...items);
  }

  function renderSchedule(data, clock) {
    const states = data.schedule.map((seat) => live.seatState(seat.round, clock));
    const key = data.version + ":" + states.join(",");
    if (key === scheduleShown) return;
    scheduleShown = key;
    const rows = data.schedule.map((seat, index) => {
      const row = document.createElement("tr");
      row.className = "sd-" + states[index];
      const round = document.createElement("th");
      round.scope = "row";
      round.textContent = String(seat.round);
      const label = texts["state_" + states[index]];
      if (label) {
        const state = document.createElement("span");
        state.className = "sd-state";
        state.textContent = label;
        round.append(" ", state);
      }
      const table = document.createElement("td");
      table.textContent = seat.table === null ? "–" : String(seat.table);
      const partners = document.createElement("td");
      partners.textContent = seat.sitting_out ? texts.pause : live.partnersText(seat, texts);
      row.append(round, table, partners);
      return row;
    });
    view.body.replaceChildren(...rows);
    view.table.hidden = rows.length === 0;
    view.empty.hidden = rows.length > 0;
  }

  function render() {
    const data = feed.data;
    const clock = live.position(data.run, data.timing, feed.now());
    const focus = live.phoneFocus(data, clock);
    const [headline, lead] = live.phoneHeadline(focus, texts);
    setText(view.headline, headline);
    setText(view.lead, lead);
    if (headline !== headlineShown) {
      headlineShown = headline; // say it once to screen readers; the countdown stays quiet
      setText(view.announce, headline);
    }
    let status = "";
    let countdown = "";
    if (clock.status === "not_started") {
      status = live.fill(texts.status_waiting, { time: startTime.format(Date.parse(data.timing.starts_at)) });
    } else if (clock.phase === "talking" || clock.phase === "changeover") {
      status = clock.status === "paused" ? texts.status_paused : texts["status_" + clock.phase];
      countdown = live.countdown(clock.seconds_left);
    }
    setText(view.status, status);
    setText(view.countdown, countdown);
    const moving = clock.phase === "changeover" && clock.status === "running" && focus.kind === "seat";
    setText(view.hint, moving ? texts.status_changeover_hint : "");
    renderSchedule(data, clock);
  }

  render();
  setInterval(render, 250);
  feed.start();
  root.dataset.live = "ready";
});
