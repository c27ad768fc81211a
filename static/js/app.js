// Keyboard shortcuts: a link with data-shortcut="l" is followed when "l" is pressed outside a field.
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.closest("input, textarea, select, [contenteditable]")) return;
  const link = document.querySelector(`[data-shortcut="${event.key.toLowerCase()}"]`);
  if (link) {
    event.preventDefault();
    link.click();
  }
});
