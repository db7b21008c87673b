package io.baton.embedded;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The certificate and private key a test cluster serves TLS with ({@code ssl = on},
 * {@code ssl_cert_file}, {@code ssl_key_file}: PostgreSQL documentation, "Secure TCP/IP Connections
 * with SSL"). {@link PostgresServer} copies both files into its own directory, with the key readable
 * by the server's user only (mode 0600), as the server requires.
 *
 * @param certificate the server certificate, PEM, optionally followed by its intermediate CAs; not null
 * @param privateKey the certificate's private key, PEM, unencrypted; not null
 */
public record ServerTls(Path certificate, Path privateKey) {
    public ServerTls {
        Objects.requireNonNull(certificate, "certificate");
        Objects.requireNonNull(privateKey, "privateKey");
    }
}
