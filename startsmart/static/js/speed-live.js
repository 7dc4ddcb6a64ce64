// The speed-dating clock in the browser, and the feed that keeps it in step with the server.
//
// The server sends its state (when the round began, or how much was left when paused, and the
// round lengths); the clock here computes the round, phase and seconds left from that, with the
// same rules as startsmart/speed_dating/round_clock.py and screens.py (a test runs both on
// the same cases). So a screen keeps counting when the network drops, and only a change that
// staff make (start, pause, next round, a new plan) needs the server.
(function (root) {
  "use strict";

  // -- the clock (round_clock.position) ----------------------------------------------------

  function length(timing, number) {
    return timing.round_seconds + (number < timing.rounds ? timing.changeover_seconds : 0);
  }

  function where(timing, current, elapsed) {
    let number = Math.max(current, 1);
    let into = Math.max(elapsed, 0);
    while (number <= timing.rounds) {
      const full = length(timing, number);
      if (into < full) {
        if (number === timing.rounds && into >= timing.round_seconds) return null;
        return [number, into];
      }
      into -= full;
      number += 1;
    }
    return null;
  }

  // run: {status, current_round, round_started_at (ISO), paused_remaining_seconds};
  // timing: {rounds, round_seconds, changeover_seconds}; nowMs: the server's time, in ms.
  function position(run, timing, nowMs) {
    const rounds = timing.rounds;
    if (run.status === "not_started") {
      return { status: run.status, round: 0, phase: "waiting", seconds_left: 0, next_round: rounds ? 1 : null };
    }
    if (run.status === "finished" || rounds === 0) {
      return { status: run.status, round: run.current_round, phase: "over", seconds_left: 0, next_round: null };
    }
    let found;
    if (run.status === "paused") {
      const number = Math.min(Math.max(run.current_round, 1), rounds);
      found = where(timing, number, length(timing, number) - (run.paused_remaining_seconds || 0));
    } else {
      found = where(timing, run.current_round, (nowMs - Date.parse(run.round_started_at)) / 1000);
    }
    if (found === null) {
      return { status: run.status, round: rounds, phase: "over", seconds_left: 0, next_round: null };
    }
    const [number, into] = found;
    let phase = "talking";
    let left = timing.round_seconds - into;
    if (into >= timing.round_seconds) {
      phase = "changeover";
      left = length(timing, number) - into;
    }
    return {
      status: run.status,
      round: number,
      phase: phase,
      seconds_left: Math.ceil(left - 1e-9),
      next_round: number < rounds ? number + 1 : null,
    };
  }

  // -- what the screens show (speed_dating/screens.py) --------------------------------------------

  function seatingRound(clock) {
    if (clock.phase === "over") return null;
    return clock.next_round || clock.round || null;
  }

  // As screens.seating_label: the seating of the next round, while this one is talked in.
  function seatingLabel(clock, number) {
    const upcoming = Boolean(clock.round) && number !== clock.round;
    return upcoming && clock.phase === "talking" ? "seating_next" : "seating";
  }

  function seating(answer, number) {
    const found = (answer.rounds || []).find((r) => r.number === number);
    if (!found) return null;
    const hostId = answer.host_id;
    const names = new Map(answer.participants.map((p) => [p.id, p]));
    const person = (id) => {
      const known = names.get(id) || { name: "?", municipality: "" };
      return { name: known.name, municipality: known.municipality };
    };
    const tables = found.tables
      .slice()
      .sort((a, b) => a.number - b.number)
      .map((table) => ({
        table: table.number,
        people: table.members.filter((m) => m !== hostId).map(person),
        host: table.members.includes(hostId),
      }));
    const waiting = found.sitting_out.filter((m) => m !== hostId).map(person);
    return { round: number, tables: tables, sitting_out: waiting };
  }

  function seatState(number, clock) {
    if (clock.status === "not_started") return number === clock.next_round ? "next" : "later";
    if (clock.phase === "over") return number <= clock.round ? "past" : "dropped";
    if (number < clock.round || (number === clock.round && clock.phase === "changeover")) return "past";
    if (number === clock.round) return "now";
    return number === clock.next_round ? "next" : "later";
  }

  function phoneFocus(view, clock) {
    if (clock.status === "finished") return { kind: "finished" };
    if (clock.phase === "over" && view.plan_version !== null) return { kind: "over" };
    if (!view.in_plan) return { kind: view.plan_version !== null ? "not_in_plan" : "no_plan" };
    const number = clock.status === "not_started" || clock.phase === "changeover" ? clock.next_round : clock.round;
    if (number === null) return { kind: "no_plan" }; // a plan without rounds
    const seat = view.schedule.find((s) => s.round === number);
    if (!seat) {
      const later = view.schedule.find((s) => s.round > number) || null;
      return { kind: "absent", round: number, seat: null, later: later };
    }
    return { kind: seat.sitting_out ? "sitting_out" : "seat", round: number, seat: seat, later: null };
  }

  // -- words: the templates come translated from the page; {name} marks what is filled in ------

  function countdown(seconds) {
    const s = Math.max(0, seconds);
    return Math.floor(s / 60) + ":" + String(s % 60).padStart(2, "0");
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (all, key) => (key in values ? String(values[key]) : all));
  }

  function partnersText(seat, texts) {
    const names = seat.partners.map((p) => (p.municipality ? p.name + " (" + p.municipality + ")" : p.name));
    if (seat.with_host) names.push(texts.host);
    if (names.length < 2) return names.join("");
    return fill(texts.and, { first: names.slice(0, -1).join(", "), last: names[names.length - 1] });
  }

  function phoneHeadline(focus, texts) {
    const kind = focus.kind;
    if (kind === "seat") {
      const partners = partnersText(focus.seat, texts);
      const key = partners ? "headline_seat" : "headline_table";
      return [fill(texts[key], { round: focus.round, table: focus.seat.table, partners: partners }), ""];
    }
    if (kind === "sitting_out") {
      return [fill(texts.headline_sitting_out, { round: focus.round }), texts.lead_sitting_out];
    }
    if (kind === "absent") {
      const lead = focus.later ? fill(texts.lead_absent_later, { round: focus.later.round }) : texts.lead_absent_none;
      return [fill(texts.headline_absent, { round: focus.round }), lead];
    }
    return [texts["headline_" + kind], texts["lead_" + kind]];
  }

  function presenterPhase(clock) {
    if (clock.status === "finished") return "finished";
    if (clock.phase === "over") return "over";
    if (clock.status === "paused") return "paused";
    return clock.phase;
  }

  // -- the feed -----------------------------------------------------------------------------

  // Polls ``url`` (the plan or participant JSON) with the version it has; the server answers
  // with only the clock while nothing changed. ``onData(data)`` gets every full answer;
  // ``onConnection(state)`` "online", "offline", "signed_out", "gone" or "busy".
  class Feed {
    constructor(url, options) {
      this.url = url;
      this.interval = Math.max(0.2, options.interval || 5) * 1000;
      this.onData = options.onData || (() => {});
      this.onConnection = options.onConnection || (() => {});
      this.data = null;
      this.offset = 0; // server time minus local time, ms
      this.uncertainty = Infinity; // how far off the offset may be, ms
      this.state = "online";
      this.timer = null;
      this.busy = false;
    }

    now() {
      return Date.now() + this.offset;
    }

    // A full (or short) answer; ``sentAt`` and ``receivedAt`` bracket the request (local ms;
    // null when unknown). The server's clock was read somewhere in between, so the answer with
    // the shortest round trip says best how far the local clock is off.
    accept(data, sentAt, receivedAt) {
      const known = sentAt !== null && receivedAt !== null;
      const uncertainty = known ? (receivedAt - sentAt) / 2 : Infinity;
      const offset = Date.parse(data.server_time) - (known ? (sentAt + receivedAt) / 2 : Date.now());
      const drifted = Math.abs(offset - this.offset) > this.uncertainty + uncertainty;
      if (this.data === null || uncertainty <= this.uncertainty || drifted) {
        this.offset = offset;
        this.uncertainty = uncertainty;
      }
      this.uncertainty += 5; // an old measurement counts a little less with every answer
      if (data.changed === false && this.data !== null) {
        this.data.clock = data.clock;
        return;
      }
      this.data = data;
      this.onData(data);
    }

    // The page's own request: the navigation timing brackets the moment it was rendered.
    acceptPage(data) {
      const navigation = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
      if (navigation && navigation.responseStart > 0) {
        const origin = performance.timeOrigin;
        this.accept(data, origin + navigation.requestStart, origin + navigation.responseStart);
      } else {
        this.accept(data, null, null);
      }
    }

    start() {
      window.addEventListener("online", () => this.poll());
      window.addEventListener("offline", () => this.connection("offline"));
      document.addEventListener("visibilitychange", () => {
        if (document.visibilityState === "visible") this.poll();
      });
      this.poll();
    }

    schedule(delay) {
      clearTimeout(this.timer);
      this.timer = setTimeout(() => this.poll(), delay);
    }

    connection(state) {
      if (state === this.state) return;
      this.state = state;
      this.onConnection(state);
    }

    async poll() {
      if (this.busy) return;
      this.busy = true;
      let delay = this.interval;
      const sentAt = Date.now();
      try {
        const version = this.data ? "?version=" + encodeURIComponent(this.data.version) : "";
        const response = await fetch(this.url + version, {
          cache: "no-store",
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        const type = response.headers.get("Content-Type") || "";
        if (response.status === 429) {
          this.connection("busy");
          delay = Math.max(delay, 30000);
        } else if (response.status === 404) {
          this.connection("gone");
          delay = Math.max(delay, 30000);
        } else if (!response.ok || !type.includes("application/json")) {
          // A staff session that ended answers with the login page.
          this.connection(response.redirected ? "signed_out" : "offline");
        } else {
          this.accept(await response.json(), sentAt, Date.now());
          this.connection("online");
        }
      } catch (error) {
        this.connection("offline"); // no network: the clock goes on from what it knows
      } finally {
        this.busy = false;
        this.schedule(delay);
      }
    }
  }

  root.SpeedLive = {
    position: position,
    seatingRound: seatingRound,
    seatingLabel: seatingLabel,
    seating: seating,
    seatState: seatState,
    phoneFocus: phoneFocus,
    countdown: countdown,
    fill: fill,
    partnersText: partnersText,
    phoneHeadline: phoneHeadline,
    presenterPhase: presenterPhase,
    Feed: Feed,
  };
})(typeof globalThis !== "undefined" ? globalThis : this);
