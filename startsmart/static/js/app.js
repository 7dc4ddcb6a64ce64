// Enhancements only: every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // After a failed submit, move focus to the list of problems so screen readers announce it.
  const summary = document.querySelector(".error-summary");
  if (summary) summary.focus();
});
