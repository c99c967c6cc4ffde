// Progressive enhancement only: every page works without this script.
import { initAll } from '/assets/nhsuk-frontend.min.js';

initAll();

// Large spreadsheets take a while to check: say so, and stop a second submission.
for (const form of document.querySelectorAll('[data-module="app-upload-form"]')) {
  form.addEventListener('submit', () => {
    form.querySelector('.app-upload-progress')?.removeAttribute('hidden');
    form.querySelector('button')?.setAttribute('disabled', '');
  });
}
