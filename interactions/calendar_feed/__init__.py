"""The secret iCalendar feed (/calendar/<token>.ics) of open follow-ups and events."""
