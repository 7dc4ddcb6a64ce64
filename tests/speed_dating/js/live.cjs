// Runs the browser's speed-dating functions (startsmart/static/js/speed-live.js) on the cases
// read from stdin (JSON) and prints what they answer, for test_live_js.py to compare.
"use strict";
const fs = require("fs");
require(process.argv[2]);
const live = globalThis.SpeedLive;
const cases = JSON.parse(fs.readFileSync(0, "utf8"));
const answers = cases.map((c) => {
  if (c.kind === "position") return live.position(c.run, c.timing, Date.parse(c.now));
  if (c.kind === "seat_state") return live.seatState(c.number, c.clock);
  if (c.kind === "seating_round") return live.seatingRound(c.clock);
  if (c.kind === "seating_label") return live.seatingLabel(c.clock, c.number);
  if (c.kind === "seating") return live.seating(c.answer, c.number);
  if (c.kind === "phone_focus") return live.phoneFocus(c.view, c.view.clock);
  if (c.kind === "phone_headline") return live.phoneHeadline(live.phoneFocus(c.view, c.view.clock), c.texts);
  if (c.kind === "presenter_phase") return live.presenterPhase(c.clock);
  throw new Error("unknown case " + c.kind);
});
process.stdout.write(JSON.stringify(answers));
