using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace DirectLB.EndToEnd.Tests.Support;

/// <summary>
/// A certificate authority of the test's own, issuing the webhook's serving certificate for 127.0.0.1 as the Helm
/// chart's genSignedCert or cert-manager would, and HTTPS clients that trust that authority alone, as the API server
/// trusts the caBundle of a MutatingWebhookConfiguration.
/// </summary>
public sealed class WebhookTls : IDisposable
{
    private readonly X509Certificate2 _authority;
    private readonly ECDsa _authorityKey;

    public WebhookTls(string commonName = "directlb-webhook-ca")
    {
        _authorityKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={commonName}", _authorityKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        _authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
    }

    /// <summary>
    /// Issues a serving certificate for 127.0.0.1 and writes it and its key as PEM files; returns the certificate.
    /// With <paramref name="helmRsa"/>, the key is RSA 2048 in PKCS#1 (<c>RSA PRIVATE KEY</c>), as helm's genSignedCert
    /// writes it; else ECDSA P-256 in PKCS#8, as cert-manager's ECDSA certificates.
    /// </summary>
    public X509Certificate2 Issue(string certFile, string keyFile, bool helmRsa = false)
    {
        using AsymmetricAlgorithm key = helmRsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = key is RSA rsa
            ? new CertificateRequest("CN=directlb-webhook.directlb.svc", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            : new CertificateRequest("CN=directlb-webhook.directlb.svc", (ECDsa)key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        names.AddDnsName("directlb-webhook.directlb.svc");
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        // Signed through the authority's key, whatever the algorithm of the certificate's own key.
        var issued = request.Create(
            _authority.SubjectName, X509SignatureGenerator.CreateForECDsa(_authorityKey), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddHours(12), serial);
        // Written key first and certificate last, each whole, as a Secret's files change at once.
        File.WriteAllText(keyFile, key is RSA rsaKey ? rsaKey.ExportRSAPrivateKeyPem() : key.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(certFile, issued.ExportCertificatePem());
        return issued;
    }

    /// <summary>
    /// A client that trusts only this authority and checks the name, on a new connection each time (so a rotated
    /// certificate is seen); <paramref name="presented"/> receives the certificate the server presented.
    /// </summary>
    public HttpClient Client(Action<X509Certificate2>? presented = null) =>
        new(new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.Zero,
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
                    {
                        return false;
                    }

                    var served = new X509Certificate2(certificate);
                    presented?.Invoke(served);
                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(_authority);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(served);
                },
            },
        });

    public void Dispose()
    {
        _authority.Dispose();
        _authorityKey.Dispose();
    }
}
