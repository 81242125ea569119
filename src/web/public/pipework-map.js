// The location map with JavaScript: Leaflet, tiles from /assets/tiles/, a pin where the person taps.
// Without this file the same box is a grid of clickable tiles that works on its own.
/* global L */
const box = document.querySelector('[data-module="pw-map"]');
if (box && window.L) {
  const lat = document.getElementById('pin-lat');
  const long = document.getElementById('pin-long');
  const use = document.querySelector('.pw-map__use');
  box.classList.add('pw-map--live');
  box.setAttribute('role', 'application');
  box.setAttribute('aria-label', box.dataset.label);
  const here = [Number(box.dataset.lat), Number(box.dataset.long)];
  const map = L.map(box, { center: here, zoom: Number(box.dataset.zoom), maxZoom: 19, minZoom: 12 });
  L.tileLayer(box.dataset.tiles, { maxZoom: 19, attribution: box.dataset.attribution }).addTo(map);
  const pin = L.circleMarker(here, { radius: 9, color: '#ffffff', weight: 3, fillColor: '#d4351c', fillOpacity: 1 }).addTo(map);
  map.on('click', (e) => {
    pin.setLatLng(e.latlng);
    lat.value = e.latlng.lat.toFixed(6);
    long.value = e.latlng.lng.toFixed(6);
  });
  use.hidden = false;
}
