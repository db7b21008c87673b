package io.baton.pgbouncer;

import io.baton.BatonException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal PostgreSQL wire-protocol (v3) client for PgBouncer's admin console: trust authentication
 * only, simple query protocol only, text results only.
 *
 * <p>It exists because pgJDBC 42.7.5 and later cannot log in to the admin console of PgBouncer
 * before 1.25: the console reports its own version (for example "1.18.0/bouncer") as
 * {@code server_version}, pgJDBC therefore sends {@code SET extra_float_digits = 2} after login, and
 * the console answers "SET failed" ({@code unknown parameter: pgbouncer/extra_float_digits}).
 */
public final class AdminConsole {

    private AdminConsole() {
    }

    /**
     * Opens a connection to {@code host:port}, database {@code database}, as {@code user}, runs one
     * command and closes the connection.
     *
     * @return the rows of the last result set, each a map from column name to text value (null for SQL
     *     NULL), in column order; empty for commands that return no rows (PAUSE, RESUME, RELOAD)
     * @throws BatonException if the connection fails, authentication is not trust, or the console
     *     answers with an error (the message holds the console's message and SQLState)
     */
    public static List<Map<String, String>> execute(String host, int port, String database, String user,
                                             String command, Duration timeout) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(socket.getOutputStream()));
            DataInputStream in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
            sendStartup(out, user, database);
            awaitReady(in, command);
            sendQuery(out, command);
            List<Map<String, String>> rows = readResults(in, command);
            out.writeByte('X');
            out.writeInt(4);
            out.flush();
            return rows;
        } catch (IOException e) {
            throw new BatonException("PgBouncer admin console at " + host + ":" + port + " failed on '" + command
                    + "': " + e + "; check that PgBouncer is running and lists '" + user + "' in admin_users", e, true);
        }
    }

    private static void sendStartup(DataOutputStream out, String user, String database) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream bodyOut = new DataOutputStream(body);
        bodyOut.writeInt(196608); // protocol 3.0
        writeCString(bodyOut, "user");
        writeCString(bodyOut, user);
        writeCString(bodyOut, "database");
        writeCString(bodyOut, database);
        bodyOut.writeByte(0);
        out.writeInt(body.size() + 4);
        body.writeTo(out);
        out.flush();
    }

    private static void sendQuery(DataOutputStream out, String command) throws IOException {
        byte[] text = command.getBytes(StandardCharsets.UTF_8);
        out.writeByte('Q');
        out.writeInt(4 + text.length + 1);
        out.write(text);
        out.writeByte(0);
        out.flush();
    }

    /** Reads the login answers up to ReadyForQuery. */
    private static void awaitReady(DataInputStream in, String command) throws IOException {
        while (true) {
            char type = (char) in.readUnsignedByte();
            byte[] body = readBody(in);
            switch (type) {
                case 'R':
                    int method = readInt(body, 0);
                    if (method != 0) {
                        throw new BatonException("PgBouncer admin console asks for authentication method " + method
                                + " (not trust) before '" + command + "': set auth_type = trust for local admin use");
                    }
                    break;
                case 'E':
                    throw error(body, "login for '" + command + "'");
                case 'Z':
                    return;
                default:
                    break; // ParameterStatus, BackendKeyData, NoticeResponse
            }
        }
    }

    private static List<Map<String, String>> readResults(DataInputStream in, String command) throws IOException {
        List<String> columns = List.of();
        List<Map<String, String>> rows = new ArrayList<>();
        BatonException failure = null;
        while (true) {
            char type = (char) in.readUnsignedByte();
            byte[] body = readBody(in);
            switch (type) {
                case 'T':
                    columns = columnNames(body);
                    rows = new ArrayList<>();
                    break;
                case 'D':
                    rows.add(row(body, columns));
                    break;
                case 'E':
                    failure = error(body, "'" + command + "'");
                    break;
                case 'Z':
                    if (failure != null) {
                        throw failure;
                    }
                    return Collections.unmodifiableList(rows);
                default:
                    break; // CommandComplete, EmptyQueryResponse, NoticeResponse, ParameterStatus
            }
        }
    }

    private static List<String> columnNames(byte[] body) {
        int count = readShort(body, 0);
        List<String> names = new ArrayList<>(count);
        int position = 2;
        for (int i = 0; i < count; i++) {
            int end = indexOfZero(body, position);
            names.add(new String(body, position, end - position, StandardCharsets.UTF_8));
            position = end + 1 + 18; // table oid, column number, type oid, type size, type modifier, format
        }
        return names;
    }

    private static Map<String, String> row(byte[] body, List<String> columns) {
        int count = readShort(body, 0);
        Map<String, String> row = new LinkedHashMap<>();
        int position = 2;
        for (int i = 0; i < count; i++) {
            int length = readInt(body, position);
            position += 4;
            String value = null;
            if (length >= 0) {
                value = new String(body, position, length, StandardCharsets.UTF_8);
                position += length;
            }
            row.put(i < columns.size() ? columns.get(i) : "column" + (i + 1), value);
        }
        return Collections.unmodifiableMap(row);
    }

    private static BatonException error(byte[] body, String what) {
        String message = "";
        String sqlState = "";
        int position = 0;
        while (position < body.length && body[position] != 0) {
            char field = (char) body[position];
            int end = indexOfZero(body, position + 1);
            String value = new String(body, position + 1, end - position - 1, StandardCharsets.UTF_8);
            if (field == 'M') {
                message = value;
            } else if (field == 'C') {
                sqlState = value;
            }
            position = end + 1;
        }
        return new BatonException("PgBouncer admin console rejected " + what + ": " + message + " (SQLState "
                + sqlState + "); see SHOW HELP on the console for valid commands");
    }

    private static byte[] readBody(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 4 || length > 64 * 1024 * 1024) {
            throw new IOException("invalid message length " + length + " from the admin console");
        }
        byte[] body = new byte[length - 4];
        in.readFully(body);
        return body;
    }

    private static void writeCString(DataOutputStream out, String value) throws IOException {
        out.write(value.getBytes(StandardCharsets.UTF_8));
        out.writeByte(0);
    }

    private static int indexOfZero(byte[] bytes, int from) {
        for (int i = from; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                return i;
            }
        }
        return bytes.length;
    }

    private static int readInt(byte[] bytes, int at) {
        return ((bytes[at] & 0xff) << 24) | ((bytes[at + 1] & 0xff) << 16) | ((bytes[at + 2] & 0xff) << 8)
                | (bytes[at + 3] & 0xff);
    }

    private static int readShort(byte[] bytes, int at) {
        return ((bytes[at] & 0xff) << 8) | (bytes[at + 1] & 0xff);
    }
}
