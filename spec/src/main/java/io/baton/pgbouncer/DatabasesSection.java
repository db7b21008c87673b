package io.baton.pgbouncer;

import io.baton.BatonException;
import java.util.regex.Pattern;

/**
 * The {@code [databases]} section of PgBouncer's configuration: the one place its lines are
 * formatted. Baton keeps the section in its own file, included from pgbouncer.ini with
 * {@code %include}, so that a router can rewrite it and RELOAD (PgBouncer documentation,
 * "Configuration", section "[databases]" and "Include directive").
 */
public final class DatabasesSection {
    private static final Pattern PLAIN_NAME = Pattern.compile("[_0-9A-Za-z]+");
    private static final Pattern PLAIN_VALUE = Pattern.compile("[-_.:/@0-9A-Za-z]+");

    private DatabasesSection() {
    }

    /**
     * @param databasesLine one line from {@link #databasesLine}
     * @return the whole file: the section header and the line
     */
    public static String file(String databasesLine) {
        return "[databases]\n" + databasesLine + "\n";
    }

    /**
     * Formats one {@code [databases]} line, {@code alias = host=H port=P dbname=D}. The alias is
     * double-quoted unless it is plain ({@code [_0-9A-Za-z]+}); host and dbname are single-quoted unless
     * plain, with quotes doubled, as PgBouncer's connection-string parser expects.
     *
     * @throws BatonException if a value is empty, holds a line break, or the alias is "pgbouncer"
     */
    public static String databasesLine(String alias, String host, int port, String database) {
        requireValue("alias", alias);
        requireValue("host", host);
        requireValue("database", database);
        if ("pgbouncer".equals(alias)) {
            throw new BatonException("PgBouncer alias 'pgbouncer' is reserved for the admin console: choose another");
        }
        if (port < 1 || port > 65535) {
            throw new BatonException("PgBouncer [databases] port " + port + " is out of range: use 1..65535");
        }
        String key = PLAIN_NAME.matcher(alias).matches() ? alias : "\"" + alias.replace("\"", "\"\"") + "\"";
        return key + " = host=" + value(host) + " port=" + port + " dbname=" + value(database);
    }

    private static String value(String value) {
        return PLAIN_VALUE.matcher(value).matches() ? value : "'" + value.replace("'", "''") + "'";
    }

    private static void requireValue(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw new BatonException("PgBouncer [databases] " + field + " is empty: give a non-empty " + field);
        }
        if (value.indexOf('\n') >= 0 || value.indexOf('\r') >= 0 || value.indexOf('\0') >= 0) {
            throw new BatonException("PgBouncer [databases] " + field + " '" + value.replace("\n", "\\n")
                    .replace("\r", "\\r") + "' holds a line break or NUL, which the ini format cannot carry");
        }
    }
}
