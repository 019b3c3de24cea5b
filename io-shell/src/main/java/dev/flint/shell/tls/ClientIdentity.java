package dev.flint.shell.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.Security;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;

/**
 * A client certificate with its private key, for mutual TLS to the portal (Firezone 1.5.17 presents a device
 * certificate in the TLS handshake). Read from:
 * <ul>
 *   <li>a PEM file with the certificate chain, and the unencrypted PKCS#8 key in the same file or in
 *       {@code keyFile};</li>
 *   <li>a PKCS#12 file ({@code .p12}/{@code .pfx}), its password in {@code passwordFile} (empty if none);</li>
 *   <li>{@code pkcs11:<config file>}: a SunPKCS11 configuration naming the token's library; the PIN in
 *       {@code passwordFile}. The first key entry of the token is used.</li>
 * </ul>
 * Every failure is an {@link IllegalArgumentException} naming the file and what is wrong with it.
 */
public final class ClientIdentity {

    private static final Pattern PEM = Pattern.compile(
        "-----BEGIN ([A-Z0-9 ]+)-----\\s*([A-Za-z0-9+/=\\s]+?)-----END \\1-----");
    private static final char[] ENTRY_PASSWORD = "flint".toCharArray();

    private final String source;
    private final KeyStore keyStore;
    private final char[] keyPassword;
    private final X509Certificate leaf;

    private ClientIdentity(String source, KeyStore keyStore, char[] keyPassword, X509Certificate leaf) {
        this.source = source;
        this.keyStore = keyStore;
        this.keyPassword = keyPassword;
        this.leaf = leaf;
    }

    /**
     * Loads the identity.
     *
     * @param certificate  a PEM or PKCS#12 file, or {@code pkcs11:<SunPKCS11 config file>}
     * @param keyFile      the PEM private key when it is not in {@code certificate}; null otherwise
     * @param passwordFile the PKCS#12 password or the token PIN (first line); null for none
     * @throws IllegalArgumentException naming what could not be read
     */
    public static ClientIdentity load(String certificate, Path keyFile, Path passwordFile) {
        if (certificate == null || certificate.isBlank()) {
            throw new IllegalArgumentException("client certificate: no file given");
        }
        char[] password = passwordFile == null ? new char[0] : readPassword(passwordFile);
        if (certificate.startsWith("pkcs11:")) {
            if (keyFile != null) {
                throw new IllegalArgumentException("client certificate " + certificate
                    + ": a PKCS#11 token holds its own key; give no key file");
            }
            return pkcs11(certificate, Path.of(certificate.substring("pkcs11:".length())), password);
        }
        Path file = Path.of(certificate);
        byte[] bytes = read(file, "client certificate");
        String lower = file.getFileName().toString().toLowerCase(Locale.ROOT);
        boolean pem = new String(bytes, StandardCharsets.US_ASCII).contains("-----BEGIN ");
        if (!pem || lower.endsWith(".p12") || lower.endsWith(".pfx")) {
            if (keyFile != null) {
                throw new IllegalArgumentException("client certificate " + file
                    + ": a PKCS#12 file holds its own key; give no key file");
            }
            return pkcs12(file, bytes, password);
        }
        return pem(file, bytes, keyFile);
    }

    /** Key managers presenting this identity. */
    public KeyManagerFactory keyManagers() {
        try {
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keyStore, keyPassword);
            return kmf;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("client certificate " + source + ": key unusable: " + e.getMessage(), e);
        }
    }

    /** The certificate presented (the chain's first). */
    public X509Certificate certificate() {
        return leaf;
    }

    @Override
    public String toString() {
        return "ClientIdentity[" + leaf.getSubjectX500Principal().getName() + " from " + source + "]";
    }

    // ------------------------------------------------------------------ formats

    private static ClientIdentity pem(Path file, byte[] bytes, Path keyFile) {
        String text = new String(bytes, StandardCharsets.US_ASCII);
        List<X509Certificate> chain = new ArrayList<>();
        PrivateKey key = null;
        Matcher m = PEM.matcher(text);
        while (m.find()) {
            String type = m.group(1);
            byte[] der = Base64.getMimeDecoder().decode(m.group(2));
            switch (type) {
                case "CERTIFICATE" -> chain.add(certificate(file, der));
                case "PRIVATE KEY" -> key = privateKey(file, der);
                case "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw unsupportedKey(file, type);
                default -> { }
            }
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("client certificate " + file + ": no CERTIFICATE block");
        }
        if (keyFile != null) {
            if (key != null) {
                throw new IllegalArgumentException("client certificate " + file
                    + " already holds a private key; give no key file");
            }
            String keyText = new String(read(keyFile, "client key"), StandardCharsets.US_ASCII);
            Matcher k = PEM.matcher(keyText);
            while (k.find() && key == null) {
                String type = k.group(1);
                switch (type) {
                    case "PRIVATE KEY" -> key = privateKey(keyFile, Base64.getMimeDecoder().decode(k.group(2)));
                    case "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY" -> throw unsupportedKey(keyFile, type);
                    default -> { }
                }
            }
            if (key == null) {
                throw new IllegalArgumentException("client key " + keyFile + ": no PRIVATE KEY block");
            }
        }
        if (key == null) {
            throw new IllegalArgumentException("client certificate " + file
                + ": no PRIVATE KEY block and no key file given");
        }
        if (!key.getAlgorithm().equals(chain.getFirst().getPublicKey().getAlgorithm())) {
            throw new IllegalArgumentException("client key does not match the certificate in " + file + " ("
                + key.getAlgorithm() + " key, " + chain.getFirst().getPublicKey().getAlgorithm() + " certificate)");
        }
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("client", key, ENTRY_PASSWORD, chain.toArray(Certificate[]::new));
            return new ClientIdentity(file.toString(), store, ENTRY_PASSWORD, chain.getFirst());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("client certificate " + file + ": " + e.getMessage(), e);
        }
    }

    private static IllegalArgumentException unsupportedKey(Path file, String type) {
        return new IllegalArgumentException("client key " + file + ": a " + type + " block is not supported; "
            + "convert it to unencrypted PKCS#8 (openssl pkcs8 -topk8 -nocrypt) or use a PKCS#12 file");
    }

    private static ClientIdentity pkcs12(Path file, byte[] bytes, char[] password) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(bytes), password);
            return fromStore(file.toString(), store, password);
        } catch (IOException e) {
            throw new IllegalArgumentException("client certificate " + file
                + ": not a PKCS#12 file or wrong password (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("client certificate " + file + ": " + e.getMessage(), e);
        }
    }

    private static ClientIdentity pkcs11(String source, Path config, char[] pin) {
        if (!Files.isReadable(config)) {
            throw new IllegalArgumentException("client certificate " + source + ": the SunPKCS11 configuration "
                + config + " cannot be read");
        }
        Provider base = Security.getProvider("SunPKCS11");
        if (base == null) {
            throw new IllegalArgumentException("client certificate " + source
                + ": this Java runtime has no SunPKCS11 provider");
        }
        try {
            Provider provider = base.configure(config.toString());
            KeyStore store = KeyStore.getInstance("PKCS11", provider);
            store.load(null, pin);
            return fromStore(source, store, pin);
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw new IllegalArgumentException("client certificate " + source + ": the PKCS#11 token cannot be used ("
                + e.getMessage() + ")", e);
        }
    }

    private static ClientIdentity fromStore(String source, KeyStore store, char[] password)
            throws GeneralSecurityException {
        for (String alias : Collections.list(store.aliases())) {
            if (store.isKeyEntry(alias) && store.getCertificate(alias) instanceof X509Certificate leaf) {
                KeyStore only = store;
                if (Collections.list(store.aliases()).size() > 1 && store.getType().equals("PKCS12")) {
                    only = KeyStore.getInstance("PKCS12");
                    try {
                        only.load(null, null);
                    } catch (IOException e) {
                        throw new GeneralSecurityException(e);
                    }
                    only.setKeyEntry(alias, store.getKey(alias, password), password, store.getCertificateChain(alias));
                }
                return new ClientIdentity(source, only, password, leaf);
            }
        }
        throw new IllegalArgumentException("client certificate " + source + ": holds no private key entry");
    }

    private static X509Certificate certificate(Path file, byte[] der) {
        try (InputStream in = new ByteArrayInputStream(der)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("client certificate " + file + ": a CERTIFICATE block is not X.509 ("
                + e.getMessage() + ")", e);
        }
    }

    private static PrivateKey privateKey(Path file, byte[] der) {
        for (String algorithm : List.of("EC", "RSA", "Ed25519", "EdDSA")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException ignored) {
                // try the next algorithm
            }
        }
        throw new IllegalArgumentException("client key " + file + ": the PRIVATE KEY block is not an EC, RSA or "
            + "Ed25519 PKCS#8 key");
    }

    private static byte[] read(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(what + " " + file + " does not exist");
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    private static char[] readPassword(Path file) {
        String text = new String(read(file, "password file"), StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        return (newline < 0 ? text : text.substring(0, newline)).stripTrailing().toCharArray();
    }
}
