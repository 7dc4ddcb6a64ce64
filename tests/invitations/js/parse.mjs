// Reads one iCalendar object on stdin, parses it with ical.js (the parser inside Thunderbird)
// and prints what a client would see as JSON. ical.js has no time zone database of its own:
// a TZID resolves only through the VTIMEZONE in the same calendar, which is what we test.
import { readFileSync } from "node:fs";

import ICAL from "ical.js";

const calendar = new ICAL.Component(ICAL.parse(readFileSync(0, "utf8")));

function address(property) {
  return {
    value: property.getFirstValue(),
    cn: property.getParameter("cn") ?? null,
    role: property.getParameter("role") ?? null,
    partstat: property.getParameter("partstat") ?? null,
    rsvp: property.getParameter("rsvp") ?? null,
  };
}

function event(vevent) {
  const dtstart = vevent.getFirstProperty("dtstart");
  const start = dtstart.getFirstValue();
  const organizer = vevent.getFirstProperty("organizer");
  return {
    uid: vevent.getFirstPropertyValue("uid"),
    sequence: vevent.getFirstPropertyValue("sequence"),
    summary: vevent.getFirstPropertyValue("summary"),
    location: vevent.getFirstPropertyValue("location"),
    description: vevent.getFirstPropertyValue("description"),
    url: vevent.getFirstPropertyValue("url"),
    status: vevent.getFirstPropertyValue("status"),
    dtstart: start.toString(),
    dtstart_tzid: dtstart.getParameter("tzid") ?? null,
    dtstart_zone: start.zone ? start.zone.tzid : null,
    dtstart_utc: new Date(start.toUnixTime() * 1000).toISOString(),
    organizer: organizer ? address(organizer) : null,
    attendees: vevent.getAllProperties("attendee").map(address),
    conferences: vevent.getAllProperties("conference").map((property) => ({
      value: property.getFirstValue(),
      value_type: property.type,
      feature: property.getParameter("feature") ?? null,
      label: property.getParameter("label") ?? null,
    })),
  };
}

const timezones = calendar.getAllSubcomponents("vtimezone").map((vtimezone) => ({
  tzid: vtimezone.getFirstPropertyValue("tzid"),
  standard: vtimezone.getAllSubcomponents("standard").length,
  daylight: vtimezone.getAllSubcomponents("daylight").length,
}));

process.stdout.write(
  JSON.stringify({
    method: calendar.getFirstPropertyValue("method"),
    calname: calendar.getFirstPropertyValue("x-wr-calname"),
    timezones,
    events: calendar.getAllSubcomponents("vevent").map(event),
  }),
);
