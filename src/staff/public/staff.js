// Progressive enhancement only: every staff page works without this file.
import { initAll } from '/assets/govuk-frontend.min.js';

initAll();

// Keyboard: "/" jumps to the queue's search box, as in many work tools (not while typing in a field).
const search = document.getElementById('q');
if (search) {
  document.addEventListener('keydown', (e) => {
    const typing = e.target instanceof HTMLElement && (e.target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(e.target.tagName));
    if (e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) {
      e.preventDefault();
      search.focus();
      search.select();
    }
  });
}
