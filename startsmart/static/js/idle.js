// Staff pages: warn before the session ends for inactivity, offer to stay, and keep what was
// typed. The server ends the session regardless (startsmart/staff/idle.py); this only helps.
(() => {
  const body = document.body;
  const idle = Number(body.dataset.idleSeconds || 0);
  const warnBefore = Number(body.dataset.idleWarningSeconds || 120);
  const storeKey = "startsmart-drafts:" + location.pathname;
  const token = document.querySelector('meta[name="csrf-token"]');

  // Forms typed into before a forced logout come back after logging in again.
  function fields() {
    return Array.from(document.querySelectorAll("main form input, main form textarea, main form select"))
      .filter((el) => el.name && el.name !== "csrf_token" && el.type !== "password" && el.type !== "hidden");
  }
  function saveDrafts() {
    const values = {};
    for (const el of fields()) {
      values[el.name + "#" + fields().indexOf(el)] =
        el.type === "checkbox" || el.type === "radio" ? el.checked : el.value;
    }
    sessionStorage.setItem(storeKey, JSON.stringify(values));
  }
  function restoreDrafts() {
    const saved = sessionStorage.getItem(storeKey);
    if (!saved) return;
    sessionStorage.removeItem(storeKey);
    const values = JSON.parse(saved);
    let restored = 0;
    fields().forEach((el, index) => {
      const value = values[el.name + "#" + index];
      if (value === undefined) return;
      if (el.type === "checkbox" || el.type === "radio") el.checked = value;
      else el.value = value;
      restored += 1;
    });
    if (restored) {
      const note = document.createElement("p");
      note.className = "flash flash-info";
      note.setAttribute("role", "status");
      note.textContent = body.dataset.idleRestored || "";
      document.querySelector("main").prepend(note);
    }
  }
  restoreDrafts();
  if (!idle) return;

  let warnTimer, endTimer, dialog;
  function showWarning() {
    dialog = document.createElement("div");
    dialog.className = "idle-warning";
    dialog.setAttribute("role", "alertdialog");
    dialog.setAttribute("aria-modal", "true");
    dialog.setAttribute("aria-labelledby", "idle-title");
    dialog.innerHTML = "";
    const title = document.createElement("h2");
    title.id = "idle-title";
    title.textContent = body.dataset.idleWarning || "";
    const stay = document.createElement("button");
    stay.type = "button";
    stay.className = "button";
    stay.textContent = body.dataset.idleStay || "OK";
    stay.addEventListener("click", keepAlive);
    dialog.append(title, stay);
    body.append(dialog);
    stay.focus();
  }
  function keepAlive() {
    fetch(body.dataset.idleUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: token ? { "X-CSRFToken": token.content } : {},
    }).then((response) => {
      if (dialog) dialog.remove();
      dialog = null;
      if (response.ok && !response.redirected) schedule();
      else expire();
    }).catch(() => {});
  }
  function expire() {
    saveDrafts();
    location.reload();  // the server answers with the login page and brings us back after
  }
  function schedule() {
    clearTimeout(warnTimer);
    clearTimeout(endTimer);
    warnTimer = setTimeout(showWarning, Math.max(idle - warnBefore, 1) * 1000);
    endTimer = setTimeout(expire, idle * 1000 + 1000);
  }
  // Typing saves drafts as it goes, so even a closed laptop lid loses nothing.
  document.addEventListener("input", saveDrafts);
  document.addEventListener("submit", () => sessionStorage.removeItem(storeKey));
  schedule();
})();
