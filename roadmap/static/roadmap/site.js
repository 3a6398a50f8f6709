// Progressive enhancement only: every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // On the subscribe form, start from the reader's own time zone rather than UTC.
  const zone = document.querySelector(".subscribe-form select[name=timezone]");
  const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (zone && zone.value === "UTC" && !zone.closest("form").dataset.saved && browserZone) {
    if ([...zone.options].some((option) => option.value === browserZone)) {
      zone.value = browserZone;
    }
  }
});
