// Progressive enhancement only: every page works without this file.
import { initAll } from '/assets/govuk-frontend.min.js';

initAll();

// "Use my current location": shown only when the browser can tell us where the person is.
const box = document.querySelector('[data-module="pw-geolocate"]');
if (box && 'geolocation' in navigator) {
  const button = box.querySelector('#use-location');
  const status = document.getElementById('location-status');
  const lat = document.getElementById('lat');
  const long = document.getElementById('long');
  const say = (text) => {
    status.innerHTML = '';
    const p = document.createElement('div');
    p.className = 'govuk-inset-text';
    p.textContent = text;
    status.appendChild(p);
  };
  box.hidden = false;
  button.addEventListener('click', () => {
    say(box.dataset.waitingText);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        lat.value = pos.coords.latitude.toFixed(6);
        long.value = pos.coords.longitude.toFixed(6);
        say(box.dataset.foundText.replace('{lat}', lat.value).replace('{long}', long.value));
      },
      () => say(box.dataset.failedText),
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  });
}
