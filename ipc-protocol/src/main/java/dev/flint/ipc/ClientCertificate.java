package dev.flint.ipc;

import java.nio.file.Path;

/**
 * The client certificate the service presents to the portal (mutual TLS, Firezone 1.5.17). {@code certificate}
 * is an absolute path to a PEM file (certificate chain, optionally with the key) or a PKCS#12 file, or
 * {@code pkcs11:} followed by the absolute path of a SunPKCS11 configuration naming a token's library.
 * {@code key} is the PEM private key's absolute path when the certificate file does not hold it, else null;
 * {@code passwordFile} holds the PKCS#12 password or the token PIN (first line), or is null. The service
 * reads the files (they are root's); the GUI only names them.
 */
public record ClientCertificate(String certificate, String key, String passwordFile) {

    public ClientCertificate {
        InvalidFieldException.requireNonBlank(certificate, "client_certificate.certificate");
        String file = certificate.startsWith("pkcs11:") ? certificate.substring("pkcs11:".length()) : certificate;
        requireAbsolute(file, "client_certificate.certificate");
        if (key != null) {
            requireAbsolute(key, "client_certificate.key");
            if (certificate.startsWith("pkcs11:")) {
                throw new InvalidFieldException("client_certificate.key", "must be empty for a PKCS#11 token");
            }
        }
        if (passwordFile != null) {
            requireAbsolute(passwordFile, "client_certificate.password_file");
        }
    }

    private static void requireAbsolute(String path, String field) {
        boolean absolute;
        try {
            absolute = !path.isBlank() && Path.of(path).isAbsolute();
        } catch (RuntimeException e) {
            absolute = false;
        }
        if (!absolute) {
            throw new InvalidFieldException(field, "must be an absolute file path, not '" + path + "'");
        }
    }
}
