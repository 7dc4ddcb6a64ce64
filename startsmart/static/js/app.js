// Enhancements only: every page works without JavaScript.
document.addEventListener("DOMContentLoaded", () => {
  // After a failed submit, move focus to the list of problems so screen readers announce it.
  const summary = document.querySelector(".error-summary");
  if (!summary) return;
  summary.focus();
  // A link in the list puts the cursor into its field (following "#id" alone would only
  // scroll there) and shows the field's label above it.
  summary.addEventListener("click", (event) => {
    const link = event.target.closest("a[href^='#']");
    const field = link && document.getElementById(link.hash.slice(1));
    if (!field) return;
    event.preventDefault();
    (document.querySelector(`label[for="${field.id}"]`) || field).scrollIntoView();
    field.focus({ preventScroll: true });
  });
});
