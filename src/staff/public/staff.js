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

// Reply templates: "Use template" fills the reply in place (without JavaScript it reloads the page with the text).
for (const form of document.querySelectorAll('form[data-reply-template]')) {
  form.addEventListener('submit', (e) => {
    const option = form.querySelector('select[name="template"]')?.selectedOptions[0];
    const reply = document.getElementById('reply');
    if (!option?.value || !reply) return;
    e.preventDefault();
    reply.value = option.dataset.text ?? '';
    reply.focus();
  });
}
