package io.nvmegate.worker;

import io.nvmegate.cluster.ClusterTls;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A cluster CA made at test time (Bouncy Castle's X.509 builder over JDK EC P-256 keys): the same shape as
 * deploy/cluster-certs.sh makes with openssl (CA: basicConstraints CA:TRUE, keyCertSign; member: serverAuth +
 * clientAuth, SAN of the member's address), written as PEM files.
 */
final class TestCa {
    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());
    private final String name;
    private final KeyPair key;
    private final X509Certificate cert;
    private final Path dir;

    private TestCa(String name, Path dir) throws Exception {
        this.name = name;
        this.dir = Files.createDirectories(dir);
        this.key = ecKey();
        X500Name subject = new X500Name("CN=" + name);
        JcaX509v3CertificateBuilder b = builder(subject, subject, key);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        this.cert = sign(b, key);
        pem(dir.resolve(name + "-ca.crt"), "CERTIFICATE", cert.getEncoded());
    }

    /** A new CA named {@code name}; its certificate is {@code dir/<name>-ca.crt}. */
    static TestCa create(String name, Path dir) throws Exception {
        return new TestCa(name, dir);
    }

    Path caFile() {
        return dir.resolve(name + "-ca.crt");
    }

    /** A member certificate and key issued by this CA, with the CA as the trust anchor. */
    ClusterTls member(String member) throws Exception {
        KeyPair k = ecKey();
        JcaX509v3CertificateBuilder b = builder(new X500Name("CN=" + name), new X500Name("CN=" + member), k);
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false,
                new ExtendedKeyUsage(new KeyPurposeId[] {KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth}));
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, member), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        b.addExtension(Extension.authorityKeyIdentifier, false, new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(cert));
        X509Certificate c = sign(b, key);
        Path crt = dir.resolve(name + "-" + member + ".crt"), pk = dir.resolve(name + "-" + member + ".key");
        pem(crt, "CERTIFICATE", c.getEncoded());
        pem(pk, "PRIVATE KEY", k.getPrivate().getEncoded()); // PKCS#8, as `openssl genpkey` writes it
        return new ClusterTls(crt, pk, caFile());
    }

    private static KeyPair ecKey() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static JcaX509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair subjectKey) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofMinutes(5))), Date.from(now.plus(Duration.ofDays(1))), subject, subjectKey.getPublic());
    }

    private static X509Certificate sign(JcaX509v3CertificateBuilder b, KeyPair issuer) throws Exception {
        return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuer.getPrivate())));
    }

    private static void pem(Path f, String type, byte[] der) throws Exception {
        String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
        Files.writeString(f, "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n");
    }
}
