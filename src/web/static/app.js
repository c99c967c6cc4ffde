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

// An upload in hand: ask where it has got to every two seconds, and move on when it is done (without
// this script the page refreshes itself).
for (const progress of document.querySelectorAll('[data-module="app-upload-progress"]')) {
  const list = progress.querySelector('ol');
  const tagOf = (stage) => {
    if (stage.done) return ['Done', 'nhsuk-tag--green'];
    if (stage.now) return ['In progress', 'nhsuk-tag--blue'];
    return ['Not started', 'nhsuk-tag--grey'];
  };
  const show = (stages) => {
    list.replaceChildren(
      ...stages.map((stage) => {
        const item = document.createElement('li');
        item.className = 'app-upload-stage';
        const name = document.createElement('strong');
        name.textContent = stage.name;
        const [text, colour] = tagOf(stage);
        const tag = document.createElement('strong');
        tag.className = `nhsuk-tag ${colour}`;
        tag.textContent = text;
        item.append(name, ' ', tag);
        if (stage.now && stage.detail) {
          const detail = document.createElement('span');
          detail.className = 'app-upload-stage__detail';
          detail.textContent = stage.detail;
          item.append(' ', detail);
        }
        return item;
      }),
    );
  };
  const ask = async () => {
    try {
      const response = await fetch(progress.dataset.progressHref, {
        headers: { accept: 'application/json' },
      });
      // Signed out meanwhile, or a server's error page: the page itself says what to do.
      const answer = response.ok ? await response.json().catch(() => ({ finished: true })) : null;
      if (answer === null || answer.finished) {
        window.location.reload();
        return;
      }
      show(answer.stages);
    } catch {
      // A lost answer is asked again next time.
    }
    setTimeout(ask, 2000);
  };
  setTimeout(ask, 2000);
}

// Charts are SVG from the server; with JavaScript, each also downloads as a PNG, titled with its
// scope and period (the page's heading is not in the picture) and named the same way.
for (const figure of document.querySelectorAll('figure.app-chart')) {
  const svg = figure.querySelector('svg');
  const caption = figure.querySelector('figcaption');
  if (!svg || !caption) continue;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'nhsuk-button nhsuk-button--secondary nhsuk-button--small app-no-print';
  button.textContent = 'Download the chart (PNG)';
  button.addEventListener('click', () => {
    const source = URL.createObjectURL(
      new Blob([new XMLSerializer().serializeToString(svg)], { type: 'image/svg+xml' }),
    );
    const image = new Image();
    image.addEventListener('load', () => {
      const scale = 2;
      const titleHeight = 64;
      const width = svg.viewBox.baseVal.width;
      const height = svg.viewBox.baseVal.height;
      const canvas = document.createElement('canvas');
      canvas.width = width * scale;
      canvas.height = (height + titleHeight) * scale;
      const context = canvas.getContext('2d');
      context.scale(scale, scale);
      context.fillStyle = '#ffffff';
      context.fillRect(0, 0, width, height + titleHeight);
      context.fillStyle = '#212b32';
      context.font = 'bold 18px Arial, sans-serif';
      context.fillText(figure.dataset.chartHeading ?? '', 8, 24, width - 16);
      context.fillStyle = '#4c6272';
      context.font = '14px Arial, sans-serif';
      context.fillText(figure.dataset.chartSubheading ?? '', 8, 48, width - 16);
      context.drawImage(image, 0, titleHeight, width, height);
      URL.revokeObjectURL(source);
      canvas.toBlob((png) => {
        const link = document.createElement('a');
        link.href = URL.createObjectURL(png);
        link.download = `${figure.dataset.chartFile || 'chart'}.png`;
        link.click();
      });
    });
    image.src = source;
  });
  caption.append(' ', button);
}

// A return's draft saves itself as it is typed; without JavaScript, "Save draft" does the same.
for (const form of document.querySelectorAll('form[data-autosave]')) {
  const status = form.querySelector('.app-autosave-status');
  let timer;
  form.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const body = new URLSearchParams(new FormData(form));
      body.set('action', 'save');
      // getAttribute: the form's buttons are named "action", which hides form.action.
      const response = await fetch(form.getAttribute('action'), {
        method: 'POST',
        body,
        headers: { 'x-autosave': '1' },
        credentials: 'same-origin',
      });
      if (status) {
        status.textContent = response.ok
          ? `Draft saved at ${new Date().toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}`
          : 'The draft could not be saved: use Save draft';
      }
    }, 1500);
  });
}
