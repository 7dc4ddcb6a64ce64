// Type-to-search for the municipality field, as the WAI-ARIA "editable combobox with list
// autocomplete" pattern: the field asks the directory search (municipalities.search, its
// address in data-search-url) as one types, and shows what it finds in a listbox. Without
// JavaScript the field is a plain text field and the server matches the name typed.
//
// Choosing an entry sets the hidden municipality_id field and fills the Land, kind and size
// from it; those fields then give way to a one-line summary with a button to change them.
// Editing the name afterwards forgets the choice and shows them again.
//
// Keys in the field: typing searches; Down/Up (Alt+Down opens) move through the suggestions;
// Enter takes the highlighted one; Escape closes the list. Tab leaves the field as usual.
(() => {
  const DELAY = 150; // ms without a key before the search is asked
  const SHORTEST = 2; // the search answers nothing for fewer characters

  function enhance(input, number) {
    const texts = input.dataset;
    const form = input.form;
    const idField = form ? form.querySelector('input[type="hidden"][name="municipality_id"]') : null;
    const details = input.closest("fieldset, form")?.querySelector(".municipality-details") ?? null;
    const select = (name) => (details ? details.querySelector(`select[name="${name}"]`) : null);

    const wrapper = document.createElement("div");
    wrapper.className = "combobox";
    // Moving the field takes its focus away; whoever began typing while the page loaded keeps
    // typing into it.
    const typing = document.activeElement === input;
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
    if (typing) input.focus();
    const listbox = document.createElement("ul");
    listbox.id = `${input.id}-suggestions`;
    listbox.className = "combobox-list";
    listbox.setAttribute("role", "listbox");
    listbox.setAttribute("aria-label", texts.listLabel);
    listbox.hidden = true;
    wrapper.appendChild(listbox);
    const status = document.createElement("div");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    wrapper.appendChild(status);

    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);

    // The summary that stands in for Land, kind and size once an entry is chosen.
    let summary = null;
    let summaryText = null;
    if (details) {
      summary = document.createElement("p");
      summary.className = "municipality-summary";
      summary.hidden = true;
      summaryText = document.createElement("span");
      summaryText.id = `${input.id}-summary`;
      const change = document.createElement("button");
      change.type = "button";
      change.className = "button-link";
      change.textContent = texts.change;
      change.setAttribute("aria-label", texts.changeLabel);
      change.addEventListener("click", () => {
        showDetails(true);
        select("state")?.focus();
      });
      summary.append(summaryText, " ", change);
      details.parentNode.insertBefore(summary, details);
    }

    let shown = [];
    let active = -1;
    let announceTimer = null;
    let searchTimer = null;
    let controller = null;
    let pending = false; // a search is under way
    let highlightWhenShown = false; // Down was pressed before the answer came
    // The name as chosen; the choice holds while the field still says it. A form shown again
    // (a message elsewhere) keeps the choice it was sent with.
    let chosenName = idField && idField.value ? input.value : null;

    const announce = (text) => {
      // Wait until typing pauses, so a screen reader reads the count once, not per key.
      clearTimeout(announceTimer);
      announceTimer = setTimeout(() => {
        status.textContent = text;
      }, 400);
    };

    const showDetails = (show) => {
      if (!details) return;
      details.hidden = !show;
      summary.hidden = show;
    };

    const highlight = (index) => {
      active = index;
      [...listbox.children].forEach((item, i) => item.setAttribute("aria-selected", String(i === index)));
      if (index < 0) {
        input.removeAttribute("aria-activedescendant");
        return;
      }
      const item = listbox.children[index];
      input.setAttribute("aria-activedescendant", item.id);
      item.scrollIntoView({ block: "nearest" });
    };

    const close = () => {
      listbox.hidden = true;
      input.setAttribute("aria-expanded", "false");
      highlight(-1);
    };

    const open = () => {
      if (!shown.length) return;
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    };

    const show = (results, announceCount) => {
      shown = results;
      listbox.replaceChildren(
        ...shown.map((found, i) => {
          const item = document.createElement("li");
          item.id = `${listbox.id}-${number}-${i}`;
          item.setAttribute("role", "option");
          item.setAttribute("aria-selected", "false");
          const label = document.createElement("span");
          label.className = "combobox-label";
          label.textContent = found.label;
          const kind = document.createElement("span");
          kind.className = "combobox-kind";
          kind.textContent = found.kind_label;
          item.append(label, kind);
          // mousedown, not click: the field must not lose focus (and close the list) first.
          item.addEventListener("mousedown", (event) => {
            event.preventDefault();
            choose(i);
          });
          return item;
        }),
      );
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (!shown.length) {
        close();
        if (announceCount) announce(texts.none);
        return;
      }
      open();
      if (highlightWhenShown) highlight(0);
      if (announceCount) {
        announce(shown.length === 1 ? texts.one : texts.many.replace("{n}", shown.length));
      }
    };

    const search = async (announceCount) => {
      if (controller) controller.abort(); // an answer to older text would be stale
      const typed = input.value.trim();
      if (typed.length < SHORTEST) {
        pending = false;
        highlightWhenShown = false;
        shown = [];
        listbox.replaceChildren();
        close();
        return;
      }
      controller = new AbortController();
      const url = new URL(texts.searchUrl, window.location.href);
      url.searchParams.set("q", typed);
      try {
        const response = await fetch(url, {
          signal: controller.signal,
          headers: { Accept: "application/json" },
        });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const answer = await response.json();
        pending = false;
        show(answer.results || [], announceCount);
      } catch (error) {
        if (error.name === "AbortError") return; // a newer search took over
        pending = false;
        shown = [];
        close();
        announce(texts.failed);
      }
      highlightWhenShown = false;
    };

    const searchSoon = () => {
      clearTimeout(searchTimer);
      pending = true;
      searchTimer = setTimeout(() => search(true), DELAY);
    };

    const fill = (name, value) => {
      const field = select(name);
      if (field) field.value = value || "";
    };

    const choose = (index) => {
      const found = shown[index];
      input.value = found.name;
      chosenName = found.name;
      if (idField) idField.value = String(found.id);
      fill("state", found.state);
      fill("municipality_kind", found.kind);
      fill("population_class", found.population_class);
      if (summaryText) {
        summaryText.textContent = [found.state_label, found.kind_label, found.population_class_label]
          .filter(Boolean)
          .join(" · ");
        showDetails(false);
      }
      close();
      announce(texts.chosen.replace("{name}", found.label));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    };

    const forgetChoice = () => {
      if (chosenName === null || input.value === chosenName) return;
      chosenName = null;
      if (idField) idField.value = "";
      showDetails(true);
    };

    // Once the form is sent, suggestions are of no use, and a request still leaving would
    // only race the form's own answer.
    form?.addEventListener("submit", () => {
      clearTimeout(searchTimer);
      if (controller) controller.abort();
    });

    input.addEventListener("input", () => {
      forgetChoice();
      searchSoon();
    });
    input.addEventListener("blur", close);
    input.addEventListener("keydown", (event) => {
      const isOpen = !listbox.hidden;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        if (!isOpen) {
          if (shown.length) {
            open();
          } else {
            // Nothing to show yet: the answer highlights its first entry when it comes.
            highlightWhenShown = !event.altKey;
            if (!pending) search(true);
            return;
          }
        }
        if (event.altKey) return;
        if (event.key === "ArrowDown") highlight((active + 1) % shown.length);
        else highlight(active <= 0 ? shown.length - 1 : active - 1);
      } else if (event.key === "Enter" && isOpen && active >= 0) {
        event.preventDefault(); // take the suggestion; do not send the form yet
        choose(active);
      } else if (event.key === "Escape" && isOpen) {
        event.preventDefault();
        close();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("input[data-search-url]").forEach((input, number) => enhance(input, number));
  });
})();
