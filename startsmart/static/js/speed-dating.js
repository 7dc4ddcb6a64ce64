// Speed-dating staff pages, enhancements only: every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // Settings: how many rounds fit, while typing (the server shows the same after saving).
  const settings = document.getElementById("speed-dating-settings");
  const output = document.getElementById("rounds-fit");
  if (settings && output) {
    const number = (name) => Number.parseInt(settings.elements[name]?.value ?? "", 10);
    const update = () => {
      const total = number("total_minutes");
      const round = number("round_minutes");
      const change = number("changeover_minutes");
      if (!(total > 0 && round > 0 && change >= 0)) {
        output.value = "–";
        return;
      }
      // R rounds and R - 1 changeovers fit into the total (as planner.rounds_that_fit).
      output.value = total < round ? "0" : String(Math.floor((total + change) / (round + change)));
    };
    settings.addEventListener("input", update);
  }

  // Check-in: filter the list while typing; the search button still asks the server.
  const search = document.getElementById("checkin-search");
  const list = document.getElementById("checkin-list");
  const count = document.getElementById("checkin-count");
  if (search && list) {
    const rows = Array.from(list.querySelectorAll("[data-search]"));
    search.addEventListener("input", () => {
      const wanted = search.value.trim().toLowerCase();
      let shown = 0;
      for (const row of rows) {
        const match = !wanted || row.dataset.search.includes(wanted);
        row.hidden = !match;
        if (match) shown += 1;
      }
      if (count) {
        const template = count.dataset.template || "{shown} / {total}";
        count.textContent = template.replace("{shown}", shown).replace("{total}", rows.length);
      }
    });
  }
});
