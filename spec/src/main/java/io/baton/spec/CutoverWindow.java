package io.baton.spec;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;

/**
 * The times of day a cutover may start in (spec section {@code cutover.gates.window}), for example
 * a maintenance window from 01:00 to 03:00 in {@code Europe/Paris}. A window whose end is earlier
 * than its start runs past midnight (22:00 to 02:00). The start is included, the end is not.
 *
 * @param from the first time of day, never null
 * @param to the time of day the window closes, never null; different from {@code from}
 * @param zone the time zone both are read in, never null (an IANA name such as {@code UTC})
 */
public record CutoverWindow(LocalTime from, LocalTime to, ZoneId zone) {
  @JsonCreator
  static CutoverWindow fromYaml(
      @SpecDoc(value = "The first time of day a cutover may start, HH:MM.", example = "01:00") @JsonProperty("from") String from,
      @SpecDoc(value = "The time of day the window closes, HH:MM; earlier than from runs past midnight.", example = "03:00")
      @JsonProperty("to") String to,
      @SpecDoc(value = "The time zone of from and to, an IANA name.", defaultValue = "UTC") @JsonProperty("zone") String zone) {
    return new CutoverWindow(time("from", from), time("to", to), zone(zone));
  }

  public CutoverWindow {
    if (from.equals(to)) {
      throw new SpecException("to", "cutover.gates.window: from and to are both " + from + "; give a window of some length");
    }
  }

  private static LocalTime time(String key, String text) {
    if (text == null) {
      throw new SpecException(key, "cutover.gates.window." + key + " is missing (expected a time of day such as 01:30)");
    }
    try {
      return LocalTime.parse(text);
    } catch (DateTimeParseException e) {
      throw new SpecException(key, "expected a time of day such as 01:30, got '" + text + "'");
    }
  }

  private static ZoneId zone(String text) {
    if (text == null) {
      return ZoneId.of("UTC");
    }
    try {
      return ZoneId.of(text);
    } catch (DateTimeException e) {
      throw new SpecException("zone", "unknown time zone '" + text + "' (expected an IANA name such as UTC or Europe/Paris)");
    }
  }

  /**
   * @param at an instant
   * @return whether it falls inside the window
   */
  public boolean contains(Instant at) {
    LocalTime t = at.atZone(zone).toLocalTime();
    return from.isBefore(to) ? !t.isBefore(from) && t.isBefore(to) : !t.isBefore(from) || t.isBefore(to);
  }

  @Override
  public String toString() {
    return from + " to " + to + " " + zone;
  }
}
