// Type-to-search for text fields with suggestions (the known municipalities), as the WAI-ARIA
// "editable combobox with list autocomplete" pattern. Without JavaScript the field keeps its
// native <datalist>; with it, we show our own listbox instead, because the native popup cannot
// be reached by every screen reader, does not scale with the text and does not say how many
// suggestions there are.
//
// Keys in the field: typing filters; Down/Up (Alt+Down opens) move through the suggestions;
// Enter takes the highlighted one; Escape closes the list. Tab leaves the field as usual.
(() => {
  const MAX_SHOWN = 8;
  const fold = (text) =>
    text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLocaleLowerCase("de");

  function enhance(input, list, number) {
    const names = [...list.options].map((option) => option.value).filter(Boolean);
    if (!names.length) return;
    const texts = list.dataset;
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

    input.removeAttribute("list"); // our listbox replaces the native popup
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);

    let shown = [];
    let active = -1;
    let announceTimer = null;

    const announce = (text) => {
      // Wait until typing pauses, so a screen reader reads the count once, not per key.
      clearTimeout(announceTimer);
      announceTimer = setTimeout(() => {
        status.textContent = text;
      }, 400);
    };

    const matches = () => {
      const typed = fold(input.value.trim());
      if (!typed) return names.slice(0, MAX_SHOWN);
      const starts = names.filter((name) => fold(name).startsWith(typed));
      const inside = names.filter((name) => !fold(name).startsWith(typed) && fold(name).includes(typed));
      return [...starts, ...inside].slice(0, MAX_SHOWN);
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

    const open = (announceCount) => {
      shown = matches();
      listbox.replaceChildren(
        ...shown.map((name, i) => {
          const item = document.createElement("li");
          item.id = `${listbox.id}-${number}-${i}`;
          item.setAttribute("role", "option");
          item.setAttribute("aria-selected", "false");
          item.textContent = name;
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
      const exact = shown.length === 1 && fold(shown[0]) === fold(input.value.trim());
      if (!shown.length || exact) {
        close();
        if (announceCount && !shown.length) announce(texts.none);
        return;
      }
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
      if (announceCount) {
        announce(shown.length === 1 ? texts.one : texts.many.replace("{n}", shown.length));
      }
    };

    const choose = (index) => {
      input.value = shown[index];
      close();
      announce(texts.chosen.replace("{name}", shown[index]));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    };

    input.addEventListener("input", () => open(true));
    input.addEventListener("blur", close);
    input.addEventListener("keydown", (event) => {
      const isOpen = !listbox.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (!isOpen) open(true);
        if (!listbox.hidden && !event.altKey) highlight((active + 1) % shown.length);
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (!isOpen) open(true);
        if (!listbox.hidden) highlight(active <= 0 ? shown.length - 1 : active - 1);
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
    document.querySelectorAll("input[list]").forEach((input, number) => {
      const list = document.getElementById(input.getAttribute("list"));
      if (list && list.dataset.listLabel) enhance(input, list, number);
    });
  });
})();
