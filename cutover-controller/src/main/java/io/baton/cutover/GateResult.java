package io.baton.cutover;

/**
 * One cutover gate at one moment.
 *
 * @param gate the gate's name ({@code lag}, {@code verification}, {@code quarantine},
 *     {@code reverse}, {@code router}, {@code sink_errors}, {@code window}, {@code write_pause})
 * @param passed whether it lets a cutover through
 * @param observed what was seen, with its numbers and units
 * @param required what the spec requires, naming the spec key
 */
public record GateResult(String gate, boolean passed, String observed, String required) {}
