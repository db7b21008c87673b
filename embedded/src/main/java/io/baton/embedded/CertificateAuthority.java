package io.baton.embedded;

import io.baton.BatonException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;

/**
 * A throw-away certificate authority for tests and demos, made with the {@code openssl} command
 * (OpenSSL 1.1.1 or later): a self-signed CA certificate, and server certificates it signs with the
 * subject alternative names a client checks under {@code sslmode=verify-full} (PostgreSQL
 * documentation, "SSL Support" in libpq: the host name must match a {@code dNSName} or
 * {@code iPAddress} entry). Keys are EC P-256, certificates valid for two days.
 *
 * <p>Files: {@code <dir>/ca.pem} and {@code <dir>/ca.key} (mode 0600), and per issued certificate
 * {@code <dir>/<name>.pem} and {@code <dir>/<name>.key} (mode 0600).
 */
public final class CertificateAuthority {
    private static final Duration OPENSSL_TIMEOUT = Duration.ofSeconds(30);
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,40}");

    private final Path dir;
    private final Path certificate;
    private final Path key;

    private CertificateAuthority(Path dir, Path certificate, Path key) {
        this.dir = dir;
        this.certificate = certificate;
        this.key = key;
    }

    /**
     * Creates a new CA in {@code dir} (created if missing), its certificate's subject
     * {@code CN=<commonName>}.
     *
     * @param dir where the CA's files go; not null
     * @param commonName the CA's name; letters, digits, spaces, '-' and '_'
     * @return the CA
     * @throws BatonException if {@code openssl} is missing or fails (the message holds its output)
     */
    public static CertificateAuthority create(Path dir, String commonName) {
        Objects.requireNonNull(dir, "dir");
        if (commonName == null || !commonName.matches("[A-Za-z0-9 _-]{1,60}")) {
            throw new BatonException("CA name '" + commonName + "' must be 1 to 60 letters, digits, spaces, '-' or '_'");
        }
        Path cert = dir.resolve("ca.pem");
        Path key = dir.resolve("ca.key");
        createDirectories(dir);
        openssl(dir, "creating the CA " + commonName, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", cert.toString(), "-days", "2", "-subj", "/CN=" + commonName,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        return new CertificateAuthority(dir, cert, key);
    }

    /** The CA certificate (PEM): what a client's {@code sslrootcert} names. */
    public Path certificate() {
        return certificate;
    }

    /**
     * Issues a server certificate signed by this CA.
     *
     * @param name the files' base name ({@code [A-Za-z0-9_-]}, at most 40), also the subject's CN
     * @param dnsNames host names the certificate is valid for (subject alternative names of type DNS)
     * @param ipAddresses addresses it is valid for (type IP), for example {@code 127.0.0.1}
     * @return the certificate and its unencrypted key, ready for {@link PostgresServer}
     * @throws BatonException if no name is given, or {@code openssl} fails
     */
    public ServerTls issueServerCertificate(String name, List<String> dnsNames, List<String> ipAddresses) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new BatonException("certificate name '" + name + "' must be 1 to 40 characters from A-Z, a-z, 0-9, '_', '-'");
        }
        List<String> alternatives = new ArrayList<>();
        dnsNames.forEach(n -> alternatives.add("DNS:" + n));
        ipAddresses.forEach(a -> alternatives.add("IP:" + a));
        if (alternatives.isEmpty()) {
            throw new BatonException("a server certificate needs at least one DNS name or IP address");
        }
        Path key = dir.resolve(name + ".key");
        Path request = dir.resolve(name + ".csr");
        Path cert = dir.resolve(name + ".pem");
        Path extensions = dir.resolve(name + ".ext");
        try {
            Files.writeString(extensions, "subjectAltName=" + String.join(",", alternatives) + "\n"
                    + "basicConstraints=critical,CA:FALSE\n"
                    + "keyUsage=critical,digitalSignature,keyEncipherment\n"
                    + "extendedKeyUsage=serverAuth\n");
        } catch (IOException e) {
            throw new BatonException("cannot write " + extensions + ": " + e.getMessage(), e);
        }
        openssl(dir, "creating the key of " + name, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", key.toString(), "-out", request.toString(), "-subj", "/CN=" + name);
        byte[] serial = new byte[8];
        new SecureRandom().nextBytes(serial);
        serial[0] &= 0x7f;
        openssl(dir, "signing the certificate of " + name, "x509", "-req", "-in", request.toString(), "-CA",
                certificate.toString(), "-CAkey", this.key.toString(), "-set_serial", "0x" + HexFormat.of().formatHex(serial),
                "-days", "2", "-extfile", extensions.toString(), "-out", cert.toString());
        return new ServerTls(cert, key);
    }

    private static void openssl(Path dir, String what, String... arguments) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(arguments));
        Processes.run(what + " with openssl", command, dir.resolve("openssl.log"), OPENSSL_TIMEOUT);
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new BatonException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "CertificateAuthority[" + certificate + "]";
    }
}
