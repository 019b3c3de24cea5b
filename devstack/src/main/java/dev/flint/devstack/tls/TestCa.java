package dev.flint.devstack.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A test certificate authority (ECDSA P-256, valid for a day) that issues server certificates for IP addresses
 * and DNS names and client certificates, and writes them as PEM (keys as unencrypted PKCS#8, mode 0600). Only
 * for the devstack and tests: its key lives in memory and in the run directory.
 */
public final class TestCa {

    /** A certificate with its key. */
    public record Issued(X509Certificate certificate, PrivateKey key, X509Certificate ca) {

        /** Writes {@code <name>.pem} (the certificate) and {@code <name>.key} (the key, 0600) into {@code dir}. */
        public Files written(Path dir, String name) {
            Path cert = dir.resolve(name + ".pem");
            Path key = dir.resolve(name + ".key");
            writePem(cert, List.of(pem("CERTIFICATE", encoded(certificate))), "rw-r--r--");
            writePem(key, List.of(pem("PRIVATE KEY", this.key.getEncoded())), "rw-------");
            return new Files(cert, key);
        }
    }

    /** Where an issued certificate was written. */
    public record Files(Path certificate, Path key) {
    }

    private static final Duration VALIDITY = Duration.ofDays(1);
    private final SecureRandom random = new SecureRandom();
    private final KeyPair keys;
    private final X509Certificate certificate;

    private TestCa(String name) {
        try {
            keys = keyPair();
            X500Name subject = new X500Name("CN=" + name);
            X509v3CertificateBuilder builder = builder(subject, subject, keys);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(0));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
            builder.addExtension(Extension.subjectKeyIdentifier, false,
                new JcaX509ExtensionUtils().createSubjectKeyIdentifier(keys.getPublic()));
            certificate = sign(builder, keys.getPrivate());
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot make the test CA: " + e.getMessage(), e);
        }
    }

    /** A fresh CA named {@code name}. */
    public static TestCa create(String name) {
        return new TestCa(name);
    }

    public X509Certificate certificate() {
        return certificate;
    }

    /** A TLS server certificate for these addresses and names. */
    public Issued server(String commonName, List<InetAddress> addresses, List<String> dnsNames) {
        List<GeneralName> names = new ArrayList<>();
        addresses.forEach(a -> names.add(new GeneralName(GeneralName.iPAddress, a.getHostAddress())));
        dnsNames.forEach(n -> names.add(new GeneralName(GeneralName.dNSName, n)));
        return issue(commonName, names, KeyPurposeId.id_kp_serverAuth);
    }

    /** A TLS client certificate. */
    public Issued client(String commonName) {
        return issue(commonName, List.of(), KeyPurposeId.id_kp_clientAuth);
    }

    /** Writes the CA certificate as PEM and as a PKCS#12 trust store (password {@code changeit}). */
    public void writeTrust(Path pem, Path trustStore) {
        writePem(pem, List.of(pem("CERTIFICATE", encoded(certificate))), "rw-r--r--");
        try (OutputStream out = java.nio.file.Files.newOutputStream(trustStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("flint-devstack-ca", certificate);
            store.store(out, "changeit".toCharArray());
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the trust store " + trustStore + ": " + e.getMessage(), e);
        }
    }

    private Issued issue(String commonName, List<GeneralName> names, KeyPurposeId purpose) {
        try {
            KeyPair pair = keyPair();
            X509v3CertificateBuilder builder = builder(new X500Name(certificate.getSubjectX500Principal().getName()),
                new X500Name("CN=" + commonName), pair);
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            if (!names.isEmpty()) {
                builder.addExtension(Extension.subjectAlternativeName, false,
                    new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            builder.addExtension(Extension.authorityKeyIdentifier, false,
                new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(certificate));
            return new Issued(sign(builder, keys.getPrivate()), pair.getPrivate(), certificate);
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot issue a certificate for " + commonName + ": " + e.getMessage(), e);
        }
    }

    private X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair pair) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, random).add(BigInteger.ONE),
            Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(VALIDITY)), subject, pair.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey key)
            throws GeneralSecurityException {
        try {
            return new JcaX509CertificateConverter().getCertificate(
                builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(key)));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
    }

    private KeyPair keyPair() throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"), random);
        return generator.generateKeyPair();
    }

    private static byte[] encoded(X509Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
            + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
            + "\n-----END " + type + "-----\n";
    }

    private static void writePem(Path file, List<String> blocks, String mode) {
        try {
            java.nio.file.Files.createDirectories(file.toAbsolutePath().getParent());
            java.nio.file.Files.deleteIfExists(file);
            java.nio.file.Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(mode)));
            java.nio.file.Files.writeString(file, String.join("", blocks));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
